package capsa.hypervisor.qemu.qmp;

import capsa.hypervisor.HypervisorException;

/** QEMU did not answer a command (or did not send an awaited event) in time. */
public final class QmpTimeoutException extends HypervisorException {
  private static final long serialVersionUID = 1L;

  public QmpTimeoutException(String message) {
    super(message);
  }
}
