package capsa.shim.manager;

/** What one invocation of the shim binary is asked to do. */
public enum ShimAction {
    /** {@code start}: find or spawn the group's daemon and print its address. */
    START,
    /** {@code delete}: clean up after one task and print a DeleteResponse. */
    DELETE,
    /** {@code serve}: be the long-lived daemon (only {@code start} runs this, never containerd). */
    SERVE,
    /** {@code -v} / {@code -version}: print a human-readable version. */
    VERSION,
    /** {@code -info}: print a RuntimeInfo protobuf. */
    INFO
}
