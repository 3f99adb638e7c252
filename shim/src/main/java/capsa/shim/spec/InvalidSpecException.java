package capsa.shim.spec;

/** A {@code config.json}, Process or resources document that cannot be read. */
public final class InvalidSpecException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidSpecException(String message) {
        super(message);
    }

    public InvalidSpecException(String message, Throwable cause) {
        super(message, cause);
    }
}
