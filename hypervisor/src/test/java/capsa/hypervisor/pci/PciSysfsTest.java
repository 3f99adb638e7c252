package capsa.hypervisor.pci;

import static capsa.hypervisor.pci.FakeGpuHosts.GIB;
import static capsa.hypervisor.pci.FakeGpuHosts.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PciSysfsTest {

  @TempDir
  Path root;

  @Test
  void readsIdsClassDriverGroupNumaPcieAndBars() {
    PciFunction gpu = FakeGpuHosts.oneGpu(root).sysfs().function(PciAddress.parse("0000:41:00.0"));
    assertThat(gpu.ids()).isEqualTo("10de:2330");
    assertThat(gpu.classCode()).isEqualTo(0x030200);
    assertThat(gpu.isDisplay()).isTrue();
    assertThat(gpu.driver()).contains("vfio-pci");
    assertThat(gpu.iommuGroup()).isEqualTo(OptionalInt.of(12));
    assertThat(gpu.numaNode()).isEqualTo(OptionalInt.of(0));
    assertThat(gpu.pcie()).isTrue();
    assertThat(gpu.bars()).containsExactly(new Bar(0, 16 * MIB, true, false, false),
        new Bar(1, 128 * GIB, true, true, true), new Bar(3, 32 * MIB, true, true, true));
    assertThat(gpu.bar64Bytes()).isEqualTo(128 * GIB + 32 * MIB);
    assertThat(gpu.bars().get(1)).hasToString("1:128G(64,pref)");
  }

  @Test
  void ioBarsAndConventionalPciAndNoNumaAffinity() {
    PciSysfs s = FakeGpuHosts.gpuWithAudio(root).sysfs();
    PciFunction vga = s.function(PciAddress.parse("0000:01:00.0"));
    assertThat(vga.bars()).contains(new Bar(5, 128, false, false, false));
    assertThat(vga.bar64Bytes()).isEqualTo(32 * GIB + 32 * MIB);
    PciFunction hostBridge = s.function(PciAddress.parse("0000:00:00.0"));
    assertThat(hostBridge.pcie()).isFalse();
    assertThat(hostBridge.numaNode()).isEmpty();
    assertThat(hostBridge.isBridge()).isTrue();
  }

  @Test
  void groupMembersIncludeEveryFunctionButBridges() {
    PciSysfs audio = FakeGpuHosts.gpuWithAudio(root.resolve("a")).sysfs();
    IommuGroup g = audio.groupOf(PciAddress.parse("0000:01:00.0"));
    assertThat(g.members()).extracting(f -> f.address().toString()).containsExactly("0000:01:00.0", "0000:01:00.1");
    assertThat(g.bridges()).isEmpty();
    assertThat(g.devicePath()).isEqualTo("/dev/vfio/5");

    IommuGroup withBridge = FakeGpuHosts.groupWithBridge(root.resolve("b")).sysfs().group(7);
    assertThat(withBridge.members()).extracting(f -> f.address().toString()).containsExactly("0000:02:00.0");
    assertThat(withBridge.bridges()).extracting(f -> f.address().toString()).containsExactly("0000:00:01.0");
    assertThat(withBridge.notReadyReason()).isEmpty();
  }

  @Test
  void eightGpusInEightGroups() {
    PciSysfs s = FakeGpuHosts.eightGpus(root).sysfs();
    assertThat(s.all()).hasSize(9);
    for (int i = 0; i < 8; i++) {
      IommuGroup g = s.group(20 + i);
      assertThat(g.members()).singleElement().satisfies(f -> assertThat(f.numaNode().getAsInt()).isIn(0, 1));
    }
  }

  @Test
  void missingDevicesAndGroupsAreTypedErrors() {
    PciSysfs s = FakeGpuHosts.oneGpu(root).sysfs();
    assertThatThrownBy(() -> s.function(PciAddress.parse("0000:99:00.0"))).isInstanceOf(PciSysfsException.class)
        .hasMessageContaining("no PCI device 0000:99:00.0");
    assertThatThrownBy(() -> s.group(99)).isInstanceOf(PciSysfsException.class).hasMessageContaining("IOMMU on");
    FakePciTree.at(root.resolve("noiommu")).function("0000:03:00.0").add();
    assertThatThrownBy(() -> new PciSysfs(root.resolve("noiommu")).groupOf(PciAddress.parse("0000:03:00.0")))
        .isInstanceOf(PciSysfsException.class).hasMessageContaining("IOMMU is off");
  }

  @Test
  void addressesParseAndPrintLikeSysfs() {
    assertThat(PciAddress.parse("41:00.0")).hasToString("0000:41:00.0");
    assertThat(PciAddress.parse("0001:A1:1f.7")).hasToString("0001:a1:1f.7");
    assertThat(PciAddress.parse("0000:01:00.0").sameSlot(PciAddress.parse("0000:01:00.1"))).isTrue();
    assertThatThrownBy(() -> PciAddress.parse("0000:41:20.0")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fakeTreesStayOutOfSys() {
    assertThatThrownBy(() -> FakePciTree.at(Path.of("/sys/bus/pci"))).isInstanceOf(IllegalArgumentException.class);
  }
}
