package capsa.hypervisor;

/**
 * Lifecycle of one VM. Every allowed change is in {@link #validTransition}; anything else is a bug in the backend
 * (self-transitions included).
 */
public enum VmState {
  /** Process spawned, VMM not yet controllable. */
  STARTING,
  /** vCPUs running. */
  RUNNING,
  /** vCPUs paused by the host. */
  PAUSED,
  /** Stop requested; waiting for the process to go. */
  STOPPING,
  /** Process gone (terminal). */
  STOPPED;

  /** The one transition table. A VM can die in any non-terminal state, so every state may go to STOPPED. */
  public static boolean validTransition(VmState from, VmState to) {
    switch (from) {
      case STARTING:
        return to == RUNNING || to == STOPPING || to == STOPPED;
      case RUNNING:
        return to == PAUSED || to == STOPPING || to == STOPPED;
      case PAUSED:
        return to == RUNNING || to == STOPPING || to == STOPPED;
      case STOPPING:
        return to == STOPPED;
      case STOPPED:
        return false;
      default:
        throw new AssertionError(from);
    }
  }

  /** True for the terminal state. */
  public boolean isTerminal() {
    return this == STOPPED;
  }
}
