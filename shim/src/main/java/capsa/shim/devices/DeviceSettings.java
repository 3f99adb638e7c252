package capsa.shim.devices;

import capsa.hypervisor.pci.PassthroughSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Passthrough settings of the shim ({@code CapsaTaskServiceFactory} builds them from the configuration's VFIO keys).
 *
 * @param enabled VFIO passthrough allowed at all; when false a pod asking for a device is refused
 * @param sysfs the host sysfs root ({@code /sys}; a fake tree in tests)
 * @param cdiDirs where CDI spec files are looked up, in order ({@code /etc/cdi}, {@code /var/run/cdi})
 * @param allowCountAnnotation whether {@link #COUNT_ANNOTATION} may pick free GPUs for a pod
 * @param guestKernelMode true: {@code vfio-pci-gk} (the guest's own GPU driver binds; Kata's default); false:
 *     {@code vfio-pci} (the container gets {@code /dev/vfio/<guest group>}, needs a guest IOMMU)
 * @param passthrough root port spares, firmware, kernel parameters
 */
public record DeviceSettings(boolean enabled, Path sysfs, List<Path> cdiDirs, boolean allowCountAnnotation,
    boolean guestKernelMode, PassthroughSettings passthrough) {

  /** Per-pod annotation asking for this many free GPUs (whole IOMMU groups bound to vfio-pci). */
  public static final String COUNT_ANNOTATION = "io.capsa.gpus";
  public static final List<Path> STANDARD_CDI_DIRS = List.of(Path.of("/etc/cdi"), Path.of("/var/run/cdi"));

  public DeviceSettings {
    Objects.requireNonNull(sysfs, "sysfs");
    cdiDirs = List.copyOf(cdiDirs);
    Objects.requireNonNull(passthrough, "passthrough");
  }

  /** Passthrough off (the default: no {@code cold_plug_vfio}/{@code hot_plug_vfio} port configured). */
  public static DeviceSettings disabled() {
    return new DeviceSettings(false, Path.of("/sys"), STANDARD_CDI_DIRS, false, true, PassthroughSettings.defaults());
  }

  /** Passthrough on with the standard host paths. */
  public static DeviceSettings enabledOnHost(PassthroughSettings passthrough, boolean allowCountAnnotation) {
    return new DeviceSettings(true, Path.of("/sys"), STANDARD_CDI_DIRS, allowCountAnnotation, true, passthrough);
  }
}
