package capsa.hypervisor.qemu.args;

/** How a virtio device attaches: PCI on q35, MMIO on microvm. Picks the QEMU driver name suffix. */
public enum VirtioTransport {
  PCI("-pci"),
  MMIO("-device");

  private final String suffix;

  VirtioTransport(String suffix) {
    this.suffix = suffix;
  }

  /** {@code driver("virtio-blk")} → {@code virtio-blk-pci} or {@code virtio-blk-device}. */
  public String driver(String base) {
    return base + suffix;
  }
}
