package capsa.hypervisor.qemu;

import java.util.Objects;

/**
 * The QEMU device model that carries a {@code Device.Vfio}: {@code vfio-pci} with {@code host=<BDF>} in production.
 * Where no VFIO exists (TCG test hosts) a QEMU-emulated PCI device ({@code edu}, {@code pci-testdev}, ...) stands in:
 * only the driver name changes and the VFIO-only properties ({@code host}, {@code x-pci-vendor-id},
 * {@code x-pci-device-id}) are left out; ids, buses, ports, QMP calls and guest path resolution stay the same.
 *
 * @param qemuDriver the {@code -device}/{@code device_add} driver name
 * @param vfio true for real VFIO: emit the host address and id overrides
 */
public record VfioDriver(String qemuDriver, boolean vfio) {

  public static final VfioDriver VFIO_PCI = new VfioDriver("vfio-pci", true);

  public VfioDriver {
    Objects.requireNonNull(qemuDriver, "qemuDriver");
  }

  /** An emulated device standing in for VFIO in tests, named by its QEMU driver. */
  public static VfioDriver emulatedStandIn(String qemuDriver) {
    return new VfioDriver(qemuDriver, false);
  }
}
