package capsa.hypervisor.pci;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the functions of an IOMMU group to {@code vfio-pci} and back, the way an operator or device plugin does:
 * write {@code vfio-pci} to {@code driver_override}, unbind from the current driver, ask {@code drivers_probe} to
 * bind again. The whole group moves because VFIO hands out whole groups.
 *
 * <p>Refuses a group that is not wholly free: a member outside the requested device's slot that the host is using
 * through another driver (a NIC sharing the GPU's group, say) is never taken away. Functions of the requested
 * device's own slot (the GPU's audio function) move with it.
 *
 * <p>Threading: blocking sysfs writes; callers serialise operations on one group.
 */
public final class VfioBinder {

  private static final Logger LOG = LoggerFactory.getLogger(VfioBinder.class);

  private final PciSysfs sysfs;
  private final SysfsWriter writer;

  public VfioBinder(PciSysfs sysfs, SysfsWriter writer) {
    this.sysfs = sysfs;
    this.writer = writer;
  }

  /** Binds every function of {@code device}'s group to vfio-pci; returns the group as it is afterwards. */
  public IommuGroup bind(PciAddress device) {
    IommuGroup group = sysfs.groupOf(device);
    List<String> busy = new ArrayList<>();
    for (PciFunction f : group.members()) {
      if (!f.address().sameSlot(device) && f.driver().isPresent() && !f.boundToVfio()) {
        busy.add(f.address() + " (" + f.driver().get() + ")");
      }
    }
    if (!busy.isEmpty()) {
      throw new PciSysfsException("IOMMU group " + group.number() + " of " + device + " is not wholly free: "
          + String.join(", ", busy) + " in use by the host; VFIO can only pass the whole group");
    }
    for (PciFunction f : group.members()) {
      if (!f.boundToVfio()) {
        rebind(f, PciFunction.VFIO_DRIVER);
      }
    }
    return check(group.number(), true);
  }

  /**
   * Gives every function of {@code device}'s group back to the host: clears {@code driver_override}, unbinds from
   * vfio-pci and probes, so the kernel's default driver takes it again.
   */
  public IommuGroup release(PciAddress device) {
    IommuGroup group = sysfs.groupOf(device);
    for (PciFunction f : group.members()) {
      if (f.boundToVfio()) {
        rebind(f, "");
      }
    }
    return check(group.number(), false);
  }

  private void rebind(PciFunction f, String override) {
    Path dir = sysfs.deviceDir(f.address());
    String bdf = f.address().toString();
    try {
      // An empty line clears the override (the kernel strips the newline).
      writer.write(dir.resolve("driver_override"), override.isEmpty() ? "\n" : override);
      if (f.driver().isPresent()) {
        writer.write(dir.resolve("driver/unbind"), bdf);
      }
      writer.write(sysfs.root().resolve("bus/pci/drivers_probe"), bdf);
    } catch (IOException e) {
      throw new PciSysfsException("cannot move " + bdf + " to " + (override.isEmpty() ? "its host driver"
          : override) + ": " + e.getMessage(), e);
    }
    LOG.info("PCI {}: {} -> {}", bdf, f.driver().orElse("(none)"), override.isEmpty() ? "host driver" : override);
  }

  private IommuGroup check(int number, boolean wantVfio) {
    IommuGroup after = sysfs.group(number);
    for (PciFunction f : after.members()) {
      if (f.boundToVfio() != wantVfio) {
        throw new PciSysfsException(f.address() + " is bound to " + f.driver().orElse("no driver") + " after "
            + (wantVfio ? "binding to vfio-pci (is the vfio-pci module loaded?)" : "releasing it from vfio-pci"));
      }
    }
    return after;
  }
}
