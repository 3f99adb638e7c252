package capsa.hypervisor.clh;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.hypervisor.clh.api.DeviceConfig;
import capsa.hypervisor.clh.api.VmConfig;
import capsa.hypervisor.pci.FakeGpuHosts;
import capsa.hypervisor.pci.PassthroughPlan;
import capsa.hypervisor.pci.PassthroughSettings;
import capsa.hypervisor.pci.PciSysfs;
import capsa.hypervisor.spec.AgentChannelKind;
import capsa.hypervisor.spec.BootSource;
import capsa.hypervisor.spec.DataSize;
import capsa.hypervisor.spec.MachineType;
import capsa.hypervisor.spec.VmSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fake sysfs trees → passthrough plan → Cloud Hypervisor's {@code VmConfig.devices} (reference §4.3). */
class ClhVfioDevicesTest {

  @TempDir
  Path root;

  private static VmConfig config(PassthroughPlan plan) {
    VmSpec spec = plan.applyTo(VmSpec.builder().id("gpu").machine(MachineType.Q35)
        .agentChannel(AgentChannelKind.HYBRID_VSOCK)
        .boot(new BootSource.Initrd(Path.of("/g/vmlinux"), Path.of("/g/initrd")))
        .consoleLog(Path.of("/l/c.log")).vmmLog(Path.of("/l/v.log")).runtimeDir(Path.of("/run/capsa/gpu"))).build();
    return ClhVmConfigMapper.toVmConfig(spec, ClhPaths.in(spec.runtimeDir()));
  }

  @Test
  void eachFunctionIsASysfsPathWithItsId() {
    PciSysfs s = FakeGpuHosts.eightGpus(root).sysfs();
    PassthroughPlan plan = PassthroughPlan.coldPlug(IntStream.range(20, 28).mapToObj(s::group).toList(),
        new PassthroughSettings(2, DataSize.bytes(0), Optional.empty(), List.of("pci=realloc")));
    VmConfig c = config(plan);
    assertThat(c.devices()).hasSize(8);
    assertThat(c.devices().get(0)).isEqualTo(new DeviceConfig("/sys/bus/pci/devices/0000:18:00.0", false, null,
        "vfio20-0"));
    assertThat(c.devices().get(7)).isEqualTo(new DeviceConfig("/sys/bus/pci/devices/0000:1f:00.0", false, null,
        "vfio27-0"));
    assertThat(c.payload().cmdline()).endsWith("pci=realloc");
  }

  @Test
  void aGroupWithABridgePassesOnlyTheGpu() {
    PciSysfs s = FakeGpuHosts.groupWithBridge(root).sysfs();
    VmConfig c = config(PassthroughPlan.coldPlug(List.of(s.group(7)), PassthroughSettings.defaults()));
    assertThat(c.devices()).extracting(DeviceConfig::path).containsExactly("/sys/bus/pci/devices/0000:02:00.0");
  }
}
