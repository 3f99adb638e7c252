package capsa.agent.cgroup;

import java.util.OptionalLong;

/**
 * Limits for one container (the OCI {@code linux.resources} subset the agent applies). Empty = leave as is; -1 =
 * unlimited, as in the OCI spec.
 */
public record ResourceLimits(
    OptionalLong memoryLimit,
    OptionalLong memoryReservation,
    OptionalLong memorySwap,
    OptionalLong cpuShares,
    OptionalLong cpuQuota,
    OptionalLong cpuPeriod,
    OptionalLong pidsLimit,
    String cpus,
    String mems) {

  public static ResourceLimits none() {
    OptionalLong e = OptionalLong.empty();
    return new ResourceLimits(e, e, e, e, e, e, e, "", "");
  }
}
