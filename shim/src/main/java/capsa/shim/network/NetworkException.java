package capsa.shim.network;

/** Setting up or reading the pod network failed; the message names the command, namespace and reason. */
public class NetworkException extends RuntimeException {

    public NetworkException(String message) {
        super(message);
    }

    public NetworkException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The namespace path from the spec does not exist or is not a network namespace. */
    public static final class NoNamespace extends NetworkException {
        public NoNamespace(String message) {
            super(message);
        }
    }
}
