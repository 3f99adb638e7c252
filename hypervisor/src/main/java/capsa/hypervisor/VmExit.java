package capsa.hypervisor;

import java.time.Instant;
import java.util.OptionalInt;

/**
 * How a VM ended.
 *
 * @param exitCode the VMM's exit status, or empty if killed by a signal we could not read
 * @param requested true when the host asked for the stop (stop/close), false for a crash, guest poweroff or kill
 *     from outside
 * @param at when the exit was observed
 */
public record VmExit(OptionalInt exitCode, boolean requested, Instant at) {}
