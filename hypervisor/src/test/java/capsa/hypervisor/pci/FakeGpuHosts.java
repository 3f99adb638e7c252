package capsa.hypervisor.pci;

import java.nio.file.Path;

/**
 * The fake hosts the GPU tests share, each a sysfs tree under a test's temp dir. Sizes are an H100's: 16 MiB
 * 32-bit BAR0, 128 GiB 64-bit prefetchable BAR1, 32 MiB 64-bit prefetchable BAR3.
 */
public final class FakeGpuHosts {

  public static final long GIB = 1L << 30;
  public static final long MIB = 1L << 20;

  private FakeGpuHosts() {}

  static FakePciTree.FunctionBuilder gpu(FakePciTree t, String bdf, int group) {
    return t.function(bdf).ids(0x10de, 0x2330).classCode(0x030200).group(group).numa(0)
        .bar(0, 16 * MIB, false, false).bar(1, 128 * GIB, true, true).bar(3, 32 * MIB, true, true);
  }

  /** One GPU at 0000:41:00.0, group 12, bound to vfio-pci. */
  public static FakePciTree oneGpu(Path root) {
    FakePciTree t = FakePciTree.at(root);
    gpu(t, "0000:41:00.0", 12).driver("vfio-pci").hostDriver("nvidia").add();
    hostBridge(t);
    return t;
  }

  /** Eight GPUs 0000:1X:00.0 in groups 20..27, NUMA 0 for the first four, 1 for the rest; all on vfio-pci. */
  public static FakePciTree eightGpus(Path root) {
    FakePciTree t = FakePciTree.at(root);
    for (int i = 0; i < 8; i++) {
      gpu(t, String.format("0000:%02x:00.0", 0x18 + i), 20 + i).numa(i < 4 ? 0 : 1).driver("vfio-pci").add();
    }
    hostBridge(t);
    return t;
  }

  /** A consumer GPU 0000:01:00.0 with its HDMI audio function 0000:01:00.1 in group 5, both on the host drivers. */
  public static FakePciTree gpuWithAudio(Path root) {
    FakePciTree t = FakePciTree.at(root);
    t.function("0000:01:00.0").ids(0x10de, 0x2684).classCode(0x030000).group(5).numa(0).driver("nouveau")
        .bar(0, 16 * MIB, false, false).bar(1, 32 * GIB, true, true).bar(3, 32 * MIB, true, true).ioBar(5, 128)
        .add();
    t.function("0000:01:00.1").ids(0x10de, 0x22ba).classCode(0x040300).group(5).numa(0).driver("snd_hda_intel")
        .bar(0, 16 * 1024, false, false).add();
    hostBridge(t);
    return t;
  }

  /** Group 7 holds a PCIe root port (bridge) 0000:00:01.0 and the GPU 0000:02:00.0 behind it (vfio-pci). */
  public static FakePciTree groupWithBridge(Path root) {
    FakePciTree t = FakePciTree.at(root);
    t.function("0000:00:01.0").ids(0x8086, 0x1901).classCode(0x060400).group(7).driver("pcieport").add();
    gpu(t, "0000:02:00.0", 7).driver("vfio-pci").add();
    hostBridge(t);
    return t;
  }

  /** GPU 0000:41:00.0 (nvidia) shares group 30 with a NIC 0000:42:00.0 the host uses (ixgbe). */
  public static FakePciTree gpuSharingGroupWithNic(Path root) {
    FakePciTree t = FakePciTree.at(root);
    gpu(t, "0000:41:00.0", 30).driver("nvidia").add();
    t.function("0000:42:00.0").ids(0x8086, 0x10fb).classCode(0x020000).group(30).driver("ixgbe")
        .bar(0, 512 * 1024, true, false).add();
    hostBridge(t);
    return t;
  }

  /** Host bridge in its own group; never listed, never passed. */
  private static void hostBridge(FakePciTree t) {
    t.function("0000:00:00.0").ids(0x8086, 0x1237).classCode(0x060000).group(0).pcie(false).add();
  }
}
