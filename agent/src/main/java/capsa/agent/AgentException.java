package capsa.agent;

/**
 * The agent's error classes, one per status code the API returns. Domain code throws these; {@code
 * capsa.agent.rpc.RpcErrors} maps them to {@code io.grpc.Status} in one place. Messages name the offending value.
 */
public abstract sealed class AgentException extends RuntimeException
    permits AgentException.NotFound,
        AgentException.AlreadyExists,
        AgentException.FailedPrecondition,
        AgentException.InvalidArgument,
        AgentException.Internal {

  protected AgentException(String message, Throwable cause) {
    super(message, cause);
  }

  public static final class NotFound extends AgentException {
    public NotFound(String message) {
      super(message, null);
    }
  }

  public static final class AlreadyExists extends AgentException {
    public AlreadyExists(String message) {
      super(message, null);
    }
  }

  public static final class FailedPrecondition extends AgentException {
    public FailedPrecondition(String message) {
      super(message, null);
    }
  }

  public static final class InvalidArgument extends AgentException {
    public InvalidArgument(String message) {
      super(message, null);
    }
  }

  /** Something the agent tried failed (runc, mount, a sysfs write); the cause says what. */
  public static final class Internal extends AgentException {
    public Internal(String message, Throwable cause) {
      super(cause == null ? message : message + ": " + cause.getMessage(), cause);
    }
  }
}
