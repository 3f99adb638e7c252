package capsa.hypervisor.pci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Binding on fake trees only: the fake kernel moves driver links the way sysfs writes would. */
class VfioBinderTest {

  @TempDir
  Path root;

  @Test
  void bindsTheGpuAndItsAudioFunctionThenGivesThemBack() {
    FakePciTree t = FakeGpuHosts.gpuWithAudio(root);
    VfioBinder binder = new VfioBinder(t.sysfs(), t.kernel(true));

    IommuGroup bound = binder.bind(PciAddress.parse("0000:01:00.0"));
    assertThat(bound.notReadyReason()).isEmpty();
    assertThat(bound.members()).allSatisfy(f -> assertThat(f.driver()).contains("vfio-pci"));
    assertThat(t.driverOverride("0000:01:00.1")).isEqualTo("vfio-pci");
    // Binding again is a no-op.
    assertThat(binder.bind(PciAddress.parse("0000:01:00.1")).notReadyReason()).isEmpty();

    IommuGroup released = binder.release(PciAddress.parse("0000:01:00.0"));
    assertThat(released.members()).extracting(f -> f.driver().orElseThrow())
        .containsExactly("nouveau", "snd_hda_intel");
    assertThat(t.driverOverride("0000:01:00.0")).isEqualTo("(null)");
  }

  @Test
  void refusesAGroupThatAnotherHostDeviceUses() {
    FakePciTree t = FakeGpuHosts.gpuSharingGroupWithNic(root);
    VfioBinder binder = new VfioBinder(t.sysfs(), t.kernel(true));
    assertThatThrownBy(() -> binder.bind(PciAddress.parse("0000:41:00.0")))
        .isInstanceOf(PciSysfsException.class)
        .hasMessageContaining("not wholly free").hasMessageContaining("0000:42:00.0 (ixgbe)");
    // Nothing was touched.
    assertThat(t.driverOverride("0000:41:00.0")).isEqualTo("(null)");
    assertThat(t.sysfs().function(PciAddress.parse("0000:41:00.0")).driver()).contains("nvidia");
  }

  @Test
  void bridgesInTheGroupAreLeftAlone() {
    FakePciTree t = FakeGpuHosts.groupWithBridge(root);
    IommuGroup g = new VfioBinder(t.sysfs(), t.kernel(true)).bind(PciAddress.parse("0000:02:00.0"));
    assertThat(g.bridges()).singleElement().satisfies(b -> assertThat(b.driver()).contains("pcieport"));
  }

  @Test
  void saysSoWhenVfioPciDoesNotTakeTheDevice() {
    FakePciTree t = FakeGpuHosts.gpuWithAudio(root);
    assertThatThrownBy(() -> new VfioBinder(t.sysfs(), t.kernel(false)).bind(PciAddress.parse("0000:01:00.0")))
        .isInstanceOf(PciSysfsException.class).hasMessageContaining("vfio-pci module loaded");
  }
}
