package capsa.hypervisor;

/** Hotplug or unplug of a device failed; the message names the device id. */
public final class DeviceException extends HypervisorException {
  private static final long serialVersionUID = 1L;

  public DeviceException(String message, Throwable cause) {
    super(message, cause);
  }

  public DeviceException(String message) {
    super(message);
  }
}
