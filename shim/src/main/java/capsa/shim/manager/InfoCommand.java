package capsa.shim.manager;

import capsa.proto.containerd.types.RuntimeInfo;
import capsa.proto.containerd.types.RuntimeVersion;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;

/**
 * {@code -info}: a {@code containerd.types.RuntimeInfo} protobuf naming this runtime and its version, echoing the
 * options Any read from stdin (which may be empty). containerd 2.2+ calls it on every Create for non-runc runtimes.
 */
public final class InfoCommand {

    /** The runtime name containerd configures us under. */
    public static final String RUNTIME_NAME = "io.containerd.capsa.v2";

    private InfoCommand() {}

    public static byte[] run(byte[] stdin, ShimVersion version) {
        RuntimeInfo.Builder info = RuntimeInfo.newBuilder()
                .setName(RUNTIME_NAME)
                .setVersion(RuntimeVersion.newBuilder().setVersion(version.version()).setRevision(version.revision()));
        if (stdin.length > 0) {
            try {
                info.setOptions(Any.parseFrom(stdin));
            } catch (InvalidProtocolBufferException e) {
                throw new ShimCommandException("stdin is not a runtime options Any", e);
            }
        }
        return info.build().toByteArray();
    }
}
