package capsa.hypervisor;

/** The operation is valid in general but this backend or machine kind cannot do it (e.g. hotplug on microvm). */
public final class UnsupportedByBackendException extends HypervisorException {
  private static final long serialVersionUID = 1L;

  public UnsupportedByBackendException(String message) {
    super(message);
  }
}
