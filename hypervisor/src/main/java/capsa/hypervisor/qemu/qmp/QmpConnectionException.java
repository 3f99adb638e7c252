package capsa.hypervisor.qemu.qmp;

import capsa.hypervisor.HypervisorException;

/** The QMP connection could not be opened, closed while a command was pending, or QEMU sent something unreadable. */
public final class QmpConnectionException extends HypervisorException {
  private static final long serialVersionUID = 1L;

  public QmpConnectionException(String message) {
    super(message);
  }

  public QmpConnectionException(String message, Throwable cause) {
    super(message, cause);
  }
}
