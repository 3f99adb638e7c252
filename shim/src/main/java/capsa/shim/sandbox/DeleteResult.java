package capsa.shim.sandbox;

import java.time.Instant;

/** What Delete reports. */
public record DeleteResult(int pid, int exitStatus, Instant exitedAt) {}
