package capsa.hypervisor.clh.api;

import java.util.Objects;

/** A virtio-blk disk backed by a host file or block device, cold-plugged in {@code vm.create} or via {@code vm.add-disk}. */
public record DiskConfig(
    String path,
    Boolean readonly,
    Boolean direct,
    Boolean iommu,
    Integer numQueues,
    Integer queueSize,
    Boolean vhostUser,
    String imageType,
    String id) {

  public DiskConfig {
    Objects.requireNonNull(path, "path");
  }

  /** A raw image the way Kata hot-plugs one. */
  public static DiskConfig raw(String path, boolean readonly, int numQueues, String id) {
    return new DiskConfig(path, readonly, null, null, numQueues, 1024, false, "Raw", id);
  }
}
