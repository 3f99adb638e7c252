package capsa.hypervisor;

import capsa.hypervisor.spec.VmSpec;

/**
 * A virtual machine monitor that can boot a {@link VmSpec}. This is the pre-boot phase: everything that only makes
 * sense on a running VM (hotplug, pause, resize, stop) lives on the {@link Vm} that {@link #boot} returns, so
 * "hotplug before boot" cannot be expressed.
 *
 * <p>Implementations: QEMU ({@code capsa.hypervisor.qemu}) and Cloud Hypervisor. Both validate the whole spec and the
 * host (binary, kernel, socket path lengths) before launching anything, and leave nothing behind when boot fails.
 */
public interface Hypervisor {

  /** Short backend name for logs and errors, e.g. {@code "qemu"}. */
  String name();

  /** What this backend can do on a running VM, so callers can choose before they try. */
  Capabilities capabilities();

  /**
   * Checks {@code spec} against this backend and the host without launching anything.
   *
   * @throws InvalidVmSpecException with a message naming the offending field
   * @throws VmStartException when the host cannot run it (binary missing, ...)
   */
  void validate(VmSpec spec);

  /**
   * Validates, launches and waits until the VMM is controllable (QMP negotiated / API answering). Does not wait for
   * the guest agent: use {@link Vm#connectAgent}.
   *
   * <p>Blocking; never call it on an event loop.
   *
   * @throws InvalidVmSpecException before anything is launched
   * @throws VmStartException when the VMM did not come up; every process, socket and file it created is gone
   */
  Vm boot(VmSpec spec);

  /** Static capabilities of a backend for a given machine kind. */
  record Capabilities(boolean deviceHotplug, boolean cpuResize, boolean memoryResize, boolean pause) {}
}
