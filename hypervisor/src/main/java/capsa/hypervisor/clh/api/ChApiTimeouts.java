package capsa.hypervisor.clh.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How long each kind of API call may take. Kata's values are 1 s for simple calls, 10 s for create and boot, 5 s
 * for hot-plug and 3 s for shutdown; {@link #defaults()} follows them with headroom for loaded hosts.
 */
public record ChApiTimeouts(Duration simple, Duration createBoot, Duration hotplug, Duration shutdown) {

  public ChApiTimeouts {
    Objects.requireNonNull(simple, "simple");
    Objects.requireNonNull(createBoot, "createBoot");
    Objects.requireNonNull(hotplug, "hotplug");
    Objects.requireNonNull(shutdown, "shutdown");
  }

  public static ChApiTimeouts defaults() {
    return new ChApiTimeouts(
        Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(3));
  }

  /** Every call gets {@code timeout}; handy for tests on slow machines. */
  public static ChApiTimeouts uniform(Duration timeout) {
    return new ChApiTimeouts(timeout, timeout, timeout, timeout);
  }
}
