package capsa.hypervisor.pci;

/** Sysfs did not have what a PCI operation needed (missing device, unreadable file, group in use). */
public class PciSysfsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PciSysfsException(String message) {
    super(message);
  }

  public PciSysfsException(String message, Throwable cause) {
    super(message, cause);
  }
}
