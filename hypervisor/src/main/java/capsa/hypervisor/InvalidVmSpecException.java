package capsa.hypervisor;

/** The VM description or the files it names are unusable; raised before anything is launched. */
public final class InvalidVmSpecException extends HypervisorException {
  private static final long serialVersionUID = 1L;

  public InvalidVmSpecException(String message) {
    super(message);
  }
}
