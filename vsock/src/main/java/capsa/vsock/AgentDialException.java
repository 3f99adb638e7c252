package capsa.vsock;

import java.time.Duration;

/** The agent did not answer before the dial deadline; names the endpoint, the attempts made and the last cause. */
public final class AgentDialException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient AgentEndpoint endpoint;
  private final int attempts;

  public AgentDialException(AgentEndpoint endpoint, Duration timeout, int attempts, Throwable lastCause) {
    super("Agent at " + endpoint + " did not answer within " + timeout + " (" + attempts + " attempt"
        + (attempts == 1 ? "" : "s") + "); last attempt: "
        + (lastCause == null ? "none made" : lastCause.getClass().getSimpleName() + ": " + lastCause.getMessage()),
        lastCause);
    this.endpoint = endpoint;
    this.attempts = attempts;
  }

  public AgentEndpoint endpoint() {
    return endpoint;
  }

  public int attempts() {
    return attempts;
  }
}
