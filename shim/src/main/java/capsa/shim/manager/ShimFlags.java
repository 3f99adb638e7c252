package capsa.shim.manager;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The command line containerd (or {@code start}, for the daemon) gave us, after lenient Go-style parsing.
 *
 * @param action what to do
 * @param namespace {@code -namespace}, empty if absent
 * @param id {@code -id}: the task id for start/delete, the group id for serve
 * @param address {@code -address}: containerd's gRPC socket path
 * @param publishBinary {@code -publish-binary}: containerd's executable (legacy publisher; unused)
 * @param bundle {@code -bundle}: only passed to delete (cwd is the bundle anyway)
 * @param debug {@code -debug}: containerd logs at debug level
 * @param socket {@code -socket}: the daemon's listening socket path (serve only)
 * @param ttrpcAddress {@code -ttrpc-address}: containerd's ttrpc socket for events (serve only)
 * @param runtimeOptions {@code -runtime-options}: base64 of the runtime options Any (serve only), empty if none
 */
public record ShimFlags(
        ShimAction action,
        String namespace,
        String id,
        String address,
        String publishBinary,
        Optional<Path> bundle,
        boolean debug,
        Optional<Path> socket,
        Optional<String> ttrpcAddress,
        String runtimeOptions) {

    public ShimFlags {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(publishBinary, "publishBinary");
        Objects.requireNonNull(bundle, "bundle");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(ttrpcAddress, "ttrpcAddress");
        Objects.requireNonNull(runtimeOptions, "runtimeOptions");
    }

    /** containerd's default gRPC address when {@code -address} is missing. */
    public static final String DEFAULT_ADDRESS = "/run/containerd/containerd.sock";

    /** {@code -id}, or an exception naming the action that needed it. */
    public String requireId() {
        if (id.isEmpty()) {
            throw new ShimCommandException("-id is required for " + action.name().toLowerCase(java.util.Locale.ROOT));
        }
        return id;
    }

    /** {@code -namespace}, or an exception naming the action that needed it. */
    public String requireNamespace() {
        if (namespace.isEmpty()) {
            throw new ShimCommandException(
                    "-namespace is required for " + action.name().toLowerCase(java.util.Locale.ROOT));
        }
        return namespace;
    }
}
