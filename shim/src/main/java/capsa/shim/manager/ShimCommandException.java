package capsa.shim.manager;

/**
 * A {@code start}, {@code delete} or {@code -info} invocation failed. Its message is the single line the binary
 * prints before exiting non-zero; containerd embeds it in its own error ("start failed: <message>: exit status 1").
 */
public final class ShimCommandException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ShimCommandException(String message) {
        super(message);
    }

    public ShimCommandException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The message and the causes' messages on one line, for containerd's error text. */
    public String oneLine() {
        StringBuilder line = new StringBuilder(getMessage());
        for (Throwable c = getCause(); c != null; c = c.getCause()) {
            if (c.getMessage() != null) {
                line.append(": ").append(c.getMessage());
            }
        }
        return line.toString().replace('\n', ' ');
    }
}
