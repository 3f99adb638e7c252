package capsa.hypervisor.clh.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import capsa.hypervisor.GuestPciPath;
import java.util.List;
import org.junit.jupiter.api.Test;

/** From the VMM's {@code bdf} to the guest PCI path the agent waits for. */
class PciDeviceInfoTest {

  @Test
  void everySlotOnTheRootBusRoundTrips() {
    for (int slot = 0; slot < 32; slot++) {
      PciDeviceInfo info = new PciDeviceInfo("d" + slot, String.format("0000:00:%02x.0", slot));
      assertThat(GuestPciPath.parse(info.guestPciPath()).slots()).isEqualTo(List.of(slot));
    }
  }

  @Test
  void upperCaseHexIsAccepted() {
    assertThat(new PciDeviceInfo("d", "0000:00:1F.0").guestPciPath()).isEqualTo("1f");
  }

  @Test
  void addressesTheAgentCannotWalkAreRejected() {
    for (String bdf : List.of("0001:00:05.0", "0000:01:05.0", "0000:00:05.1", "00:05.0", "0000:00:05", "junk")) {
      assertThatThrownBy(() -> new PciDeviceInfo("d", bdf).guestPciPath())
          .as(bdf)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(bdf);
    }
  }
}
