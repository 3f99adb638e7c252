package capsa.shim.manager;

import com.google.protobuf.Any;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@code start} hands the daemon it spawns, as the {@code serve} command line. The daemon reads it back
 * with {@link ShimFlagsParser}; {@link #toArgs()} and the parser are tested as a pair.
 *
 * @param namespace containerd namespace
 * @param groupId the group (pod) id: the first task's id, or its sandbox's
 * @param containerdAddress containerd's gRPC socket path ({@code -address})
 * @param ttrpcAddress containerd's ttrpc socket path, where events go
 * @param socket where the daemon listens
 * @param bundle the bundle of the task whose {@code start} spawned the daemon (cwd, {@code log} FIFO)
 * @param debug log at debug level
 * @param runtimeOptions the runtime options Any from stdin, if any
 */
public record DaemonSpec(
        String namespace,
        String groupId,
        String containerdAddress,
        String ttrpcAddress,
        Path socket,
        Path bundle,
        boolean debug,
        Optional<Any> runtimeOptions) {

    public DaemonSpec {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(containerdAddress, "containerdAddress");
        Objects.requireNonNull(ttrpcAddress, "ttrpcAddress");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(bundle, "bundle");
        Objects.requireNonNull(runtimeOptions, "runtimeOptions");
    }

    /** The {@code serve} arguments, without the program. */
    public List<String> toArgs() {
        List<String> args = new ArrayList<>(List.of(
                "-namespace", namespace,
                "-id", groupId,
                "-address", containerdAddress,
                "-ttrpc-address", ttrpcAddress,
                "-socket", socket.toString(),
                "-bundle", bundle.toString()));
        if (debug) {
            args.add("-debug");
        }
        runtimeOptions.ifPresent(o -> {
            args.add("-runtime-options");
            args.add(Base64.getEncoder().encodeToString(o.toByteArray()));
        });
        args.add("serve");
        return args;
    }

    /**
     * Reads a {@code serve} command line back.
     *
     * @throws ShimCommandException if a required flag is missing or the options do not decode
     */
    public static DaemonSpec fromFlags(ShimFlags flags) {
        Path socket = flags.socket().orElseThrow(() -> new ShimCommandException("-socket is required for serve"));
        Path bundle = flags.bundle().orElseThrow(() -> new ShimCommandException("-bundle is required for serve"));
        Optional<Any> options = Optional.empty();
        if (!flags.runtimeOptions().isEmpty()) {
            try {
                options = Optional.of(Any.parseFrom(Base64.getDecoder().decode(flags.runtimeOptions())));
            } catch (IllegalArgumentException | com.google.protobuf.InvalidProtocolBufferException e) {
                throw new ShimCommandException("-runtime-options is not a base64 protobuf Any", e);
            }
        }
        return new DaemonSpec(flags.requireNamespace(), flags.requireId(), flags.address(),
                flags.ttrpcAddress().orElse(flags.address() + ".ttrpc"), socket, bundle, flags.debug(), options);
    }
}
