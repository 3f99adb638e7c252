package capsa.hypervisor.clh.api;

import java.util.Objects;

/** The virtio-rng device and its host entropy source. */
public record RngConfig(String src, Boolean iommu) {
  public RngConfig {
    Objects.requireNonNull(src, "src");
  }
}
