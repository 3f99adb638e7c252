package capsa.hypervisor.qemu.qmp;

import capsa.hypervisor.HypervisorException;

/** QEMU answered a command with an error; carries QEMU's error {@code class} and {@code desc} verbatim. */
public final class QmpException extends HypervisorException {
  private static final long serialVersionUID = 1L;

  private final String command;
  private final String errorClass;
  private final String desc;

  public QmpException(String command, String errorClass, String desc) {
    super("QMP " + command + " failed: " + errorClass + ": " + desc);
    this.command = command;
    this.errorClass = errorClass;
    this.desc = desc;
  }

  /** The command that failed. */
  public String command() {
    return command;
  }

  /** QEMU's error class, e.g. {@code GenericError}, {@code CommandNotFound}, {@code DeviceNotFound}. */
  public String errorClass() {
    return errorClass;
  }

  /** QEMU's human-readable description, verbatim. */
  public String desc() {
    return desc;
  }
}
