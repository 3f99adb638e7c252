package capsa.hypervisor.spec;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What a VM with passed-through PCI devices needs from firmware and the PCIe topology beyond the devices themselves.
 *
 * @param firmware UEFI firmware to boot with (OVMF, QEMU {@code -bios}); empty: the VMM's default (QEMU SeaBIOS with
 *     direct kernel boot, Cloud Hypervisor's own loader)
 * @param mmio64Window size of the 64-bit MMIO window the guest must offer (see
 *     {@code capsa.hypervisor.pci.Mmio64Window}); empty: the firmware's default
 * @param sparePortReserve 64-bit prefetchable space each free (hot-plug) root port reserves at boot, so a large-BAR
 *     device plugged later fits; zero: none
 */
public record PciPassthrough(Optional<Path> firmware, Optional<DataSize> mmio64Window, DataSize sparePortReserve) {

  public static final PciPassthrough NONE = new PciPassthrough(Optional.empty(), Optional.empty(), DataSize.bytes(0));

  public PciPassthrough {
    Objects.requireNonNull(firmware, "firmware");
    Objects.requireNonNull(mmio64Window, "mmio64Window");
    Objects.requireNonNull(sparePortReserve, "sparePortReserve");
  }
}
