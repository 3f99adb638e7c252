package capsa.hypervisor.clh.api;

import java.util.Objects;

/** The body of {@code vm.remove-device}: the id the VMM returned when the device was added. */
public record VmRemoveDevice(String id) {
  public VmRemoveDevice {
    Objects.requireNonNull(id, "id");
  }
}
