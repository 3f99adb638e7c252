package capsa.shim.sandbox;

/**
 * Why a task request was refused, by kind; {@code capsa.shim.task.TaskErrors} maps each kind to the status code
 * containerd branches on (reference §2.4), in one place.
 */
public abstract sealed class TaskException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    TaskException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Unknown container or process, or a process already finished (Kill). */
    public static final class NotFound extends TaskException {
        private static final long serialVersionUID = 1L;

        public NotFound(String message) {
            super(message, null);
        }
    }

    public static final class AlreadyExists extends TaskException {
        private static final long serialVersionUID = 1L;

        public AlreadyExists(String message) {
            super(message, null);
        }
    }

    /** The request does not fit the current state (Delete of a running init, exec into a stopped container). */
    public static final class FailedPrecondition extends TaskException {
        private static final long serialVersionUID = 1L;

        public FailedPrecondition(String message) {
            super(message, null);
        }
    }

    public static final class InvalidArgument extends TaskException {
        private static final long serialVersionUID = 1L;

        public InvalidArgument(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The VM or its agent could not be brought up or is gone. */
    public static final class Unavailable extends TaskException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Host-side failure (mounts, files). */
    public static final class Internal extends TaskException {
        private static final long serialVersionUID = 1L;

        public Internal(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
