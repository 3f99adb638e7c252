package capsa.hypervisor.clh.api;

/**
 * Guest RAM in bytes. {@code shared} must be true for virtio-fs (the vhost-user daemon maps guest memory);
 * {@code hotplugSize} reserves room that {@code vm.resize} can later fill.
 */
public record MemoryConfig(long size, Boolean shared, Boolean hugepages, Long hotplugSize) {
  public MemoryConfig {
    if (size <= 0) {
      throw new IllegalArgumentException("Memory size must be positive, got " + size);
    }
    if (hotplugSize != null && hotplugSize < 0) {
      throw new IllegalArgumentException("Hotplug size must not be negative, got " + hotplugSize);
    }
  }
}
