package capsa.hypervisor;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Milestones of one boot, as offsets from the moment the VMM process was spawned. A later milestone is empty until it
 * happened (or if it never did).
 *
 * @param spawnedAt wall-clock time the VMM process was spawned
 * @param vmmReady when the control channel (QMP / REST API) answered
 * @param firstConsoleByte when the guest's first console byte reached the console log
 * @param agentReady when the guest agent channel became ready for ttrpc
 */
public record BootTimeline(
    Instant spawnedAt,
    Optional<Duration> vmmReady,
    Optional<Duration> firstConsoleByte,
    Optional<Duration> agentReady) {

  /** One line for logs: {@code spawned=... vmm=+0.120s console=+1.500s agent=+1.800s}. */
  public String describe() {
    return "spawned=" + spawnedAt + " vmm=" + fmt(vmmReady) + " console=" + fmt(firstConsoleByte) + " agent="
        + fmt(agentReady);
  }

  private static String fmt(Optional<Duration> d) {
    return d.map(x -> String.format("+%.3fs", x.toNanos() / 1e9)).orElse("-");
  }
}
