package capsa.shim.task;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code containerd.runc.v1.ProcessDetails{string exec_id = 1}}, the Any that runc's shim attaches to an exec's entry
 * in Pids (containerd lists it as the process's info; {@code ctr task ps} shows the exec id). One string field: written
 * by hand rather than adding runc's proto for it.
 */
final class ProcessDetails {

    static final String TYPE_URL = "containerd.runc.v1.ProcessDetails";

    private ProcessDetails() {}

    static Any pack(String execId) {
        ByteString.Output bytes = ByteString.newOutput();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            out.writeString(1, execId);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory", e);
        }
        return Any.newBuilder().setTypeUrl(TYPE_URL).setValue(bytes.toByteString()).build();
    }
}
