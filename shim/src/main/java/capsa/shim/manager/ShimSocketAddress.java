package capsa.shim.manager;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Where a shim for one (containerd address, namespace, group id) listens, by the convention shared by
 * {@code ctr shim --id} and the runc shim: {@code unix://<socketDir>/<hex sha256 of address/namespace/id>}.
 *
 * <p>containerd itself only uses what {@code start} prints, but following the convention lets {@code ctr shim}
 * (a Go ttrpc client) find our server, and lets a second {@code start} for the same pod find the running shim.
 */
public record ShimSocketAddress(Path socketPath) {

    /** The directory containerd 1.6–2.2 shims use when running as root. */
    public static final Path DEFAULT_SOCKET_DIR = Path.of("/run/containerd/s");

    /** Longest socket path the Go side accepts (sun_path is 108 bytes including the NUL, Go keeps one spare). */
    public static final int MAX_PATH_BYTES = 106;

    private static final String SCHEME = "unix://";

    public ShimSocketAddress {
        Objects.requireNonNull(socketPath, "socketPath");
        if (!socketPath.isAbsolute()) {
            throw new IllegalArgumentException("shim socket path must be absolute: " + socketPath);
        }
        int length = socketPath.toString().getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_PATH_BYTES) {
            throw new IllegalArgumentException(
                    "shim socket path is " + length + " bytes, over the " + MAX_PATH_BYTES + "-byte limit: " + socketPath);
        }
    }

    /** The address under {@link #DEFAULT_SOCKET_DIR}. */
    public static ShimSocketAddress of(String containerdAddress, String namespace, String id) {
        return of(DEFAULT_SOCKET_DIR, containerdAddress, namespace, id);
    }

    public static ShimSocketAddress of(Path socketDir, String containerdAddress, String namespace, String id) {
        return new ShimSocketAddress(socketDir.resolve(sha256Hex(hashInput(containerdAddress, namespace, id))));
    }

    /**
     * The hashed string: the three parts joined with {@code /} and cleaned the way Go's {@code filepath.Join} does
     * (no doubled or trailing separators, {@code .} and {@code ..} resolved), e.g.
     * {@code /run/containerd/containerd.sock/default/c1}.
     */
    static String hashInput(String containerdAddress, String namespace, String id) {
        Objects.requireNonNull(containerdAddress, "containerdAddress");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(id, "id");
        return Path.of(containerdAddress, namespace, id).normalize().toString();
    }

    /** The string {@code start} prints and containerd dials: {@code unix:///run/containerd/s/<64 hex>}. */
    public String uri() {
        return SCHEME + socketPath;
    }

    /** Parses what a shim's {@code start} printed (surrounding whitespace allowed). */
    public static ShimSocketAddress parse(String printed) {
        String trimmed = printed.strip();
        if (!trimmed.startsWith(SCHEME)) {
            throw new IllegalArgumentException("not a unix:// shim address: '" + trimmed + "'");
        }
        return new ShimSocketAddress(Path.of(trimmed.substring(SCHEME.length())));
    }

    @Override
    public String toString() {
        return uri();
    }

    private static String sha256Hex(String input) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(input.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
