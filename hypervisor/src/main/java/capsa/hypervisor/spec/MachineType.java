package capsa.hypervisor.spec;

import capsa.hypervisor.InvalidVmSpecException;
import java.util.Locale;

/** The VM's machine model. Names follow QEMU; other backends map them to their nearest equivalent. */
public enum MachineType {
  /** PCIe machine with root ports: device hotplug, VFIO. Slower to boot. */
  Q35(true),
  /** Minimal virtio-mmio machine: fastest boot, no PCI, no hotplug. */
  MICROVM(false);

  private final boolean hotplug;

  MachineType(boolean hotplug) {
    this.hotplug = hotplug;
  }

  /** Whether devices can be added/removed after boot on this machine. */
  public boolean supportsHotplug() {
    return hotplug;
  }

  /** Parses {@code q35} / {@code microvm} (case-insensitive). */
  public static MachineType parse(String name) {
    for (MachineType t : values()) {
      if (t.name().equalsIgnoreCase(name.trim())) {
        return t;
      }
    }
    throw new InvalidVmSpecException("Unknown machine type '" + name + "' (expected q35 or microvm)");
  }

  public String qemuName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
