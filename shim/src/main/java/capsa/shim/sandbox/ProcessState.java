package capsa.shim.sandbox;

import java.time.Instant;

/** Lifecycle of one container process (init or exec): Created → Running → Exited, or Created → Exited. */
public sealed interface ProcessState {

    /** Registered in the guest, not started. */
    record Created() implements ProcessState {}

    /** Started. */
    record Running() implements ProcessState {}

    /**
     * Gone.
     *
     * @param status 0-255, 128+signal when killed, 255 when the VM died under it
     */
    record Exited(int status, Instant at) implements ProcessState {}

    /** The allowed transitions; everything else is a bug. */
    static boolean allowed(ProcessState from, ProcessState to) {
        if (from instanceof Created) {
            return to instanceof Running || to instanceof Exited;
        }
        if (from instanceof Running) {
            return to instanceof Exited;
        }
        return false;
    }
}
