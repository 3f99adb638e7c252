package capsa.hypervisor.clh.api;

import java.util.Objects;

/** A VFIO device given by its sysfs path, e.g. {@code /sys/bus/pci/devices/0000:41:00.0}. */
public record DeviceConfig(String path, Boolean iommu, Integer pciSegment, String id) {
  public DeviceConfig {
    Objects.requireNonNull(path, "path");
  }
}
