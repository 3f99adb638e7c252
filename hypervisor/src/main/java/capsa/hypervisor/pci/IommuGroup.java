package capsa.hypervisor.pci;

import java.util.List;
import java.util.Optional;

/**
 * An IOMMU group: the unit VFIO hands to a VM, all of it or nothing.
 *
 * @param members the functions passed through together (bridges excluded, as Kata does)
 * @param bridges bridges in the group: they stay with the host and need no driver change
 */
public record IommuGroup(int number, List<PciFunction> members, List<PciFunction> bridges) {

  public IommuGroup {
    members = List.copyOf(members);
    bridges = List.copyOf(bridges);
  }

  /** The char device the VMM opens, {@code /dev/vfio/<group>}. */
  public String devicePath() {
    return "/dev/vfio/" + number;
  }

  /** Why the group cannot be handed to a VM as it is, or empty when every member is bound to vfio-pci. */
  public Optional<String> notReadyReason() {
    if (members.isEmpty()) {
      return Optional.of("IOMMU group " + number + " has no passthrough functions");
    }
    for (PciFunction f : members) {
      if (!f.boundToVfio()) {
        return Optional.of(f.address() + (f.driver().isPresent() ? " is bound to " + f.driver().get()
            : " has no driver") + " (needs " + PciFunction.VFIO_DRIVER + ")");
      }
    }
    return Optional.empty();
  }
}
