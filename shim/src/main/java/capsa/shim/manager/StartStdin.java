package capsa.shim.manager;

import capsa.proto.containerd.runtime.bootstrap.v1.BootstrapParams;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Optional;

/**
 * What containerd wrote on {@code start}'s stdin, told apart the way {@code pkg/shim} does: containerd 2.3+ always
 * sends {@code BootstrapParams}; older versions send the runtime options {@code Any}, or nothing. The two are
 * ambiguous on the wire (BootstrapParams field 1 looks like an Any type URL), so stdin only counts as
 * BootstrapParams when its {@code instance_id} equals {@code -id} and its {@code namespace} equals {@code -namespace}.
 */
public sealed interface StartStdin {

    /** The runtime options Any to hand to the Task service, if any. */
    Optional<Any> runtimeOptions();

    /** containerd 2.3+: reply with a {@code BootstrapResult} protobuf. */
    record Bootstrap(BootstrapParams params) implements StartStdin {
        @Override
        public Optional<Any> runtimeOptions() {
            // containerd adds the runtime options as-is among the extensions; we know of no other extension.
            return params.getExtensionsList().stream()
                    .filter(e -> e.hasValue())
                    .map(e -> e.getValue())
                    .findFirst();
        }

        /** BootstrapParams.socket_dir when containerd chose one. */
        public Optional<String> socketDir() {
            return params.hasSocketDir() && !params.getSocketDir().isEmpty()
                    ? Optional.of(params.getSocketDir())
                    : Optional.empty();
        }
    }

    /** containerd up to 2.2: reply with the plain address; {@code options} is empty when stdin was. */
    record Legacy(Optional<Any> runtimeOptions) implements StartStdin {}

    /**
     * Decodes stdin given {@code -id} and {@code -namespace}.
     *
     * @throws ShimCommandException if stdin is neither BootstrapParams for this task nor a protobuf Any
     */
    static StartStdin decode(byte[] stdin, String id, String namespace) {
        if (stdin.length == 0) {
            return new Legacy(Optional.empty());
        }
        try {
            BootstrapParams params = BootstrapParams.parseFrom(stdin);
            if (params.getInstanceId().equals(id) && params.getNamespace().equals(namespace)) {
                return new Bootstrap(params);
            }
        } catch (InvalidProtocolBufferException notBootstrap) {
            // fall through: a legacy Any
        }
        try {
            Any options = Any.parseFrom(ByteString.copyFrom(stdin));
            return new Legacy(Optional.of(options));
        } catch (InvalidProtocolBufferException e) {
            throw new ShimCommandException("stdin is neither BootstrapParams nor a runtime options Any", e);
        }
    }
}
