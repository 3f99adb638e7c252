package capsa.hypervisor;

/**
 * Base of every failure this module reports. Subclasses carry the typed detail (QMP error class, HTTP status ...);
 * callers branch on the type, never on the message.
 */
public abstract class HypervisorException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected HypervisorException(String message) {
    super(message);
  }

  protected HypervisorException(String message, Throwable cause) {
    super(message, cause);
  }
}
