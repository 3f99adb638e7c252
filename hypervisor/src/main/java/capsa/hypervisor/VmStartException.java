package capsa.hypervisor;

/**
 * The VMM could not be launched or did not become controllable. When this is thrown, nothing the attempt created is
 * left running or on disk (log files excepted).
 */
public final class VmStartException extends HypervisorException {
  private static final long serialVersionUID = 1L;

  public VmStartException(String message) {
    super(message);
  }

  public VmStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
