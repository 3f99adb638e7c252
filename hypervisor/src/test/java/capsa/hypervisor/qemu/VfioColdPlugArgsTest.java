package capsa.hypervisor.qemu;

import static capsa.hypervisor.pci.FakeGpuHosts.GIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import capsa.hypervisor.pci.FakeGpuHosts;
import capsa.hypervisor.pci.IommuGroup;
import capsa.hypervisor.pci.PassthroughPlan;
import capsa.hypervisor.pci.PassthroughSettings;
import capsa.hypervisor.pci.PciAddress;
import capsa.hypervisor.pci.PciSysfs;
import capsa.hypervisor.pci.PciSysfsException;
import capsa.hypervisor.spec.BootSource;
import capsa.hypervisor.spec.DataSize;
import capsa.hypervisor.spec.MachineType;
import capsa.hypervisor.spec.VmSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fake sysfs trees → passthrough plan → the QEMU q35 command line Capsa would run on a KVM host. */
class VfioColdPlugArgsTest {

  private static final HostFacts KVM = new HostFacts(true, true, OptionalLong.empty());
  private static final PassthroughSettings NO_SPARES =
      new PassthroughSettings(0, DataSize.bytes(0), Optional.empty(), List.of("pci=realloc"));

  @TempDir
  Path root;

  private static List<String> argv(PassthroughPlan plan, VfioDriver driver) {
    VmSpec spec = plan.applyTo(VmSpec.builder().id("gpu").machine(MachineType.Q35)
        .boot(new BootSource.Initrd(Path.of("/img/vmlinux"), Path.of("/img/initrd")))
        .consoleLog(Path.of("/l/c.log")).vmmLog(Path.of("/l/q.log")).runtimeDir(Path.of("/run/capsa/gpu"))).build();
    return QemuCommandLine.argv(Path.of("qemu"),
        QemuCommandLine.build(spec, KVM, new QemuPaths(spec.runtimeDir()), OptionalLong.empty(), driver));
  }

  private static List<String> values(List<String> argv, String flag) {
    return IntStream.range(0, argv.size() - 1).filter(i -> argv.get(i).equals(flag)).mapToObj(i -> argv.get(i + 1))
        .toList();
  }

  @Test
  void oneGpuGetsARootPortVendorIdsAndAWindowForItsBars() {
    PciSysfs s = FakeGpuHosts.oneGpu(root).sysfs();
    PassthroughSettings settings = new PassthroughSettings(1, DataSize.gibibytes(64),
        Optional.of(Path.of("/usr/share/ovmf/OVMF.fd")), PassthroughSettings.GPU_KERNEL_PARAMS);
    PassthroughPlan plan = PassthroughPlan.coldPlug(List.of(s.group(12)), settings);
    List<String> a = argv(plan, VfioDriver.VFIO_PCI);

    assertThat(values(a, "-device")).contains(
        "pcie-root-port,id=rp0,bus=pcie.0,chassis=1,slot=1",
        "pcie-root-port,id=rp1,bus=pcie.0,chassis=2,slot=2,pref64-reserve=" + 64 * GIB,
        "vfio-pci,host=0000:41:00.0,id=vfio12-0,x-pci-vendor-id=0x10de,x-pci-device-id=0x2330,bus=rp0");
    // 128 GiB + 32 MiB -> 256 GiB port window, + 64 GiB spare = 320 GiB -> 512 GiB.
    assertThat(plan.window().bytes()).isEqualTo(512 * GIB);
    assertThat(values(a, "-global")).containsExactly("q35-pcihost.pci-hole64-size=" + 512 * GIB);
    assertThat(values(a, "-fw_cfg")).containsExactly("name=opt/ovmf/X-PciMmio64Mb,string=" + 512 * 1024);
    assertThat(values(a, "-bios")).containsExactly("/usr/share/ovmf/OVMF.fd");
    assertThat(values(a, "-cpu")).containsExactly("host,host-phys-bits=on");
    assertThat(values(a, "-append").get(0)).endsWith("pci=realloc pci=nocrs pci=assign-busses");
  }

  @Test
  void eightGpusInEightGroupsTakeEightPortsInOrder() {
    PciSysfs s = FakeGpuHosts.eightGpus(root).sysfs();
    List<IommuGroup> groups = IntStream.range(20, 28).mapToObj(s::group).toList();
    PassthroughPlan plan = PassthroughPlan.coldPlug(groups, NO_SPARES);
    List<String> a = argv(plan, VfioDriver.VFIO_PCI);
    List<String> vfio = values(a, "-device").stream().filter(d -> d.startsWith("vfio-pci")).toList();
    assertThat(vfio).hasSize(8);
    for (int i = 0; i < 8; i++) {
      assertThat(vfio.get(i)).isEqualTo(String.format("vfio-pci,host=0000:%02x:00.0,id=vfio%d-0,"
          + "x-pci-vendor-id=0x10de,x-pci-device-id=0x2330,bus=rp%d", 0x18 + i, 20 + i, i));
    }
    assertThat(values(a, "-device").stream().filter(d -> d.startsWith("pcie-root-port"))).hasSize(8);
    assertThat(values(a, "-global")).containsExactly("q35-pcihost.pci-hole64-size=" + 2048 * GIB);
    assertThat(values(a, "-fw_cfg")).isEmpty(); // no OVMF configured: SeaBIOS reads the host bridge's hole
  }

  @Test
  void gpuAndItsAudioFunctionGoTogetherEachOnItsOwnPort() {
    FakeGpuHosts.gpuWithAudio(root);
    PciSysfs s = new PciSysfs(root);
    // The audio function's host driver makes the group not ready: a typed error naming it.
    assertThatThrownBy(() -> PassthroughPlan.coldPlug(List.of(s.group(5)), NO_SPARES))
        .isInstanceOf(PciSysfsException.class).hasMessageContaining("0000:01:00.0 is bound to nouveau");
    capsa.hypervisor.pci.FakePciTree tree = FakeGpuHosts.gpuWithAudio(root.resolve("bound"));
    new capsa.hypervisor.pci.VfioBinder(tree.sysfs(), tree.kernel(true)).bind(PciAddress.parse("0000:01:00.0"));
    PassthroughPlan plan = PassthroughPlan.coldPlug(List.of(tree.sysfs().group(5)), NO_SPARES);
    assertThat(values(argv(plan, VfioDriver.VFIO_PCI), "-device")).contains(
        "vfio-pci,host=0000:01:00.0,id=vfio5-0,x-pci-vendor-id=0x10de,x-pci-device-id=0x2684,bus=rp0",
        "vfio-pci,host=0000:01:00.1,id=vfio5-1,x-pci-vendor-id=0x10de,x-pci-device-id=0x22ba,bus=rp1");
    // 32 GiB + 32 MiB -> 64 GiB: more than the firmware's 32 GiB default.
    assertThat(plan.window().bytes()).isEqualTo(64 * GIB);
  }

  @Test
  void bridgesInTheGroupAreNotPassed() {
    PciSysfs s = FakeGpuHosts.groupWithBridge(root).sysfs();
    PassthroughPlan plan = PassthroughPlan.coldPlug(List.of(s.group(7)), NO_SPARES);
    List<String> devices = values(argv(plan, VfioDriver.VFIO_PCI), "-device");
    assertThat(devices).filteredOn(d -> d.startsWith("vfio-pci")).containsExactly(
        "vfio-pci,host=0000:02:00.0,id=vfio7-0,x-pci-vendor-id=0x10de,x-pci-device-id=0x2330,bus=rp0");
    assertThat(devices).noneMatch(d -> d.contains("0000:00:01.0"));
  }

  @Test
  void aDeviceBoundToAnotherDriverIsRefused() {
    PciSysfs s = FakeGpuHosts.gpuSharingGroupWithNic(root).sysfs();
    assertThatThrownBy(() -> PassthroughPlan.coldPlug(List.of(s.group(30)), NO_SPARES))
        .isInstanceOf(PciSysfsException.class)
        .hasMessage("IOMMU group 30 cannot be passed through: 0000:41:00.0 is bound to nvidia (needs vfio-pci)");
  }

  @Test
  void tooManyFunctionsForSixteenPorts() {
    PciSysfs s = FakeGpuHosts.eightGpus(root).sysfs();
    List<IommuGroup> groups = IntStream.range(20, 28).mapToObj(s::group).toList();
    assertThatThrownBy(() -> PassthroughPlan.coldPlug(groups,
        new PassthroughSettings(9, DataSize.bytes(0), Optional.empty(), List.of())))
        .isInstanceOf(PciSysfsException.class).hasMessageContaining("need 17 PCIe root ports");
  }

  @Test
  void anEmulatedStandInKeepsEverythingButTheDriverAndHost() {
    PciSysfs s = FakeGpuHosts.oneGpu(root).sysfs();
    PassthroughPlan plan = PassthroughPlan.coldPlug(List.of(s.group(12)), NO_SPARES);
    assertThat(values(argv(plan, VfioDriver.emulatedStandIn("edu")), "-device")).contains("edu,id=vfio12-0,bus=rp0");
  }

  @Test
  void noDevicesNoSparesMeansNoPassthroughOptions() {
    PassthroughPlan plan = PassthroughPlan.coldPlug(List.of(), NO_SPARES);
    assertThat(plan.isEmpty()).isTrue();
    assertThat(plan.rootPorts()).isZero();
    List<String> a = argv(plan, VfioDriver.VFIO_PCI);
    assertThat(a).doesNotContain("-global", "-bios", "-fw_cfg");
    assertThat(values(a, "-cpu")).containsExactly("host");
  }
}
