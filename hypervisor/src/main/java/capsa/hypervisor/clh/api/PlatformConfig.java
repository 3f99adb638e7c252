package capsa.hypervisor.clh.api;

import java.util.List;

/** Platform-wide settings; Kata asks for two PCI segments so hot-plugged devices have room. */
public record PlatformConfig(Integer numPciSegments, List<Integer> iommuSegments) {
  public PlatformConfig {
    iommuSegments = iommuSegments == null ? null : List.copyOf(iommuSegments);
  }
}
