package capsa.hypervisor;

/** The operation is not allowed in the VM's current state (e.g. resume of a running VM, hotplug after stop). */
public final class VmStateException extends HypervisorException {
  private static final long serialVersionUID = 1L;

  private final VmState state;

  public VmStateException(String operation, VmState state) {
    super("Cannot " + operation + " a VM that is " + state.name().toLowerCase(java.util.Locale.ROOT));
    this.state = state;
  }

  public VmState state() {
    return state;
  }
}
