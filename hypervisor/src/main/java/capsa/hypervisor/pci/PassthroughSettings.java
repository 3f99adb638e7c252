package capsa.hypervisor.pci;

import capsa.hypervisor.spec.DataSize;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Operator settings for passthrough VMs (to come from the configuration file).
 *
 * @param spareRootPorts free PCIe root ports added after the cold-plugged functions, for devices hot-plugged later
 * @param sparePortReserve 64-bit prefetchable space each spare port reserves at boot (fits a hot-plugged GPU's BARs)
 * @param firmware UEFI firmware for passthrough VMs (OVMF); empty: direct kernel boot without UEFI
 * @param kernelParams guest kernel parameters added when the VM has passthrough devices
 */
public record PassthroughSettings(int spareRootPorts, DataSize sparePortReserve, Optional<Path> firmware,
    List<String> kernelParams) {

  /**
   * Kata's NVIDIA GPU configuration passes these: let the guest kernel re-assign BARs and bridge windows the firmware
   * got wrong ({@code realloc}), ignore the host bridge's advertised windows ({@code nocrs}) and renumber buses.
   */
  public static final List<String> GPU_KERNEL_PARAMS = List.of("pci=realloc", "pci=nocrs", "pci=assign-busses");

  public PassthroughSettings {
    if (spareRootPorts < 0) {
      throw new IllegalArgumentException("spareRootPorts must be >= 0, got " + spareRootPorts);
    }
    Objects.requireNonNull(sparePortReserve, "sparePortReserve");
    Objects.requireNonNull(firmware, "firmware");
    kernelParams = List.copyOf(kernelParams);
  }

  /** One spare port without reservation, no UEFI, Kata's GPU kernel parameters. */
  public static PassthroughSettings defaults() {
    return new PassthroughSettings(1, DataSize.bytes(0), Optional.empty(), GPU_KERNEL_PARAMS);
  }
}
