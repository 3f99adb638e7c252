package capsa.hypervisor.pci;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GpuListingTest {

  @TempDir
  Path root;

  @Test
  void listsAReadyGpuWithEveryColumn() {
    String table = new GpuListing(FakeGpuHosts.oneGpu(root).sysfs(), false).render();
    assertThat(table.lines().toList()).hasSize(2);
    assertThat(table.lines().findFirst().orElseThrow())
        .startsWith("BDF").contains("VENDOR:DEVICE", "CLASS", "DRIVER", "IOMMU GROUP (MEMBERS)", "BARS", "NUMA", "VFIO");
    assertThat(table.lines().skip(1).findFirst().orElseThrow()).isEqualTo("0000:41:00.0  10de:2330      0x030200  "
        + "vfio-pci  12 (0000:41:00.0)      0:16M 1:128G(64,pref) 3:32M(64,pref)  0     ready /dev/vfio/12");
    assertThat(table).doesNotContain("0000:00:00.0"); // host bridge
  }

  @Test
  void saysWhyAGroupIsNotReady() {
    GpuListing audio = new GpuListing(FakeGpuHosts.gpuWithAudio(root.resolve("a")).sysfs(), false);
    assertThat(audio.rows()).singleElement().satisfies(r -> {
      assertThat(r.iommu()).isEqualTo("5 (0000:01:00.0,0000:01:00.1)");
      assertThat(r.vfio()).isEqualTo("no: 0000:01:00.0 is bound to nouveau (needs vfio-pci)");
    });
    GpuListing nic = new GpuListing(FakeGpuHosts.gpuSharingGroupWithNic(root.resolve("n")).sysfs(), true);
    assertThat(nic.rows()).hasSize(2).allSatisfy(r -> assertThat(r.vfio()).startsWith("no: 0000:41:00.0 is bound"));
    GpuListing bridge = new GpuListing(FakeGpuHosts.groupWithBridge(root.resolve("b")).sysfs(), false);
    assertThat(bridge.rows()).singleElement().satisfies(r ->
        assertThat(r.iommu()).isEqualTo("7 (0000:02:00.0; bridges 0000:00:01.0)"));
  }

  @Test
  void noIommuAndEmptyHosts() {
    FakePciTree t = FakePciTree.at(root.resolve("x"));
    assertThat(new GpuListing(t.sysfs(), false).render()).contains("(no GPUs or vfio-pci devices under");
    t.function("0000:03:00.0").classCode(0x030000).add();
    assertThat(new GpuListing(t.sysfs(), false).rows()).singleElement()
        .satisfies(r -> assertThat(r.vfio()).startsWith("no: no IOMMU group"));
  }
}
