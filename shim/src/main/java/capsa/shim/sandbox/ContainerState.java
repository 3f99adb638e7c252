package capsa.shim.sandbox;

/**
 * Lifecycle of one container as containerd sees it ({@code containerd.v1.types.Status}): Created → Running ⇄
 * Paused → Stopped; Created → Stopped when killed or the VM dies before Start.
 */
public sealed interface ContainerState {

    record Created() implements ContainerState {}

    record Running() implements ContainerState {}

    record Paused() implements ContainerState {}

    record Stopped() implements ContainerState {}

    static boolean allowed(ContainerState from, ContainerState to) {
        if (from instanceof Created) {
            return to instanceof Running || to instanceof Stopped;
        }
        if (from instanceof Running) {
            return to instanceof Paused || to instanceof Stopped;
        }
        if (from instanceof Paused) {
            return to instanceof Running || to instanceof Stopped;
        }
        return false;
    }
}
