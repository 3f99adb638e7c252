package capsa.shim.io;

import java.util.Objects;

/**
 * containerd's stdio for one process, as sent in Create/Exec. An empty path means the stream is not used; with a
 * terminal only stdout is used (the pty carries both streams).
 */
public record StdioPaths(String stdin, String stdout, String stderr, boolean terminal) {

    public StdioPaths {
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    public static StdioPaths none() {
        return new StdioPaths("", "", "", false);
    }

    /** Strips {@code fifo://}, the one URI scheme FIFOs may carry. */
    static String fifoPath(String uri) {
        return uri.startsWith("fifo://") ? uri.substring("fifo://".length()) : uri;
    }
}
