package capsa.hypervisor.pci;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One PCI function as read from {@code /sys/bus/pci/devices/<BDF>}.
 *
 * @param classCode the 24-bit class ({@code 0x030000} VGA, {@code 0x030200} 3D controller, {@code 0x060400} bridge)
 * @param driver the bound driver's name, if any
 * @param iommuGroup the IOMMU group number; empty when the IOMMU is off
 * @param numaNode the host NUMA node; empty when sysfs says -1 (no affinity)
 * @param pcie config space larger than 256 bytes: a PCI Express function (how Kata tells them apart)
 */
public record PciFunction(
    PciAddress address,
    int vendor,
    int device,
    int classCode,
    Optional<String> driver,
    OptionalInt iommuGroup,
    OptionalInt numaNode,
    boolean pcie,
    List<Bar> bars) {

  public static final String VFIO_DRIVER = "vfio-pci";

  public PciFunction {
    bars = List.copyOf(bars);
  }

  /** Host bridges (0x0600) and PCI-PCI bridges (0x0604) share IOMMU groups but are never passed through. */
  public boolean isBridge() {
    int baseSub = classCode >> 8;
    return baseSub == 0x0600 || baseSub == 0x0604;
  }

  /** Display controllers (class 0x03): VGA, XGA, 3D. */
  public boolean isDisplay() {
    return (classCode >> 16) == 0x03;
  }

  public boolean boundToVfio() {
    return driver.filter(VFIO_DRIVER::equals).isPresent();
  }

  /** The sum of this function's 64-bit memory BARs: what it needs of the 64-bit MMIO window. */
  public long bar64Bytes() {
    return bars.stream().filter(b -> b.memory() && b.is64()).mapToLong(Bar::size).sum();
  }

  /** {@code 10de:2330}. */
  public String ids() {
    return String.format("%04x:%04x", vendor, device);
  }

  /** {@code 0x030200}. */
  public String classText() {
    return String.format("0x%06x", classCode);
  }
}
