package capsa.hypervisor.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import capsa.hypervisor.InvalidVmSpecException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VmSpecTest {

  static VmSpec.Builder base() {
    return VmSpec.builder()
        .id("vm1")
        .boot(new BootSource.Initrd(Path.of("/k"), Path.of("/i")))
        .consoleLog(Path.of("/tmp/c.log"))
        .vmmLog(Path.of("/tmp/v.log"))
        .runtimeDir(Path.of("/tmp/rt"));
  }

  @Test
  void defaultsAreSmallMicrovm() {
    VmSpec s = base().build();
    assertThat(s.machine()).isEqualTo(MachineType.MICROVM);
    assertThat(s.vcpus()).isEqualTo(1);
    assertThat(s.maxVcpus()).isEqualTo(1);
    assertThat(s.memory()).isEqualTo(DataSize.mebibytes(512));
    assertThat(s.maxMemory()).isEqualTo(s.memory());
    assertThat(s.agentChannel()).isEqualTo(AgentChannelKind.VIRTIO_SERIAL);
  }

  @Test
  void rejectsOutOfRangeCounts() {
    assertThatThrownBy(() -> base().vcpus(0).build()).isInstanceOf(InvalidVmSpecException.class)
        .hasMessageContaining("vcpus");
    assertThatThrownBy(() -> base().vcpus(2).maxVcpus(1).build()).hasMessageContaining("maxVcpus");
    assertThatThrownBy(() -> base().vcpus(256).build()).hasMessageContaining("vcpus");
    assertThatThrownBy(() -> base().memory(DataSize.mebibytes(32)).build()).hasMessageContaining("memory");
    assertThatThrownBy(() -> base().memory(DataSize.bytes(100L * 1024 * 1024 + 1)).build())
        .hasMessageContaining("whole MiB");
    assertThatThrownBy(() -> base().memory(DataSize.gibibytes(2)).maxMemory(DataSize.gibibytes(1)).build())
        .hasMessageContaining("maxMemory");
  }

  @Test
  void rejectsHotplugPortsOnMicrovm() {
    assertThatThrownBy(() -> base().pcieRootPorts(2).build()).hasMessageContaining("pcieRootPorts");
    assertThat(base().machine(MachineType.Q35).pcieRootPorts(2).build().pcieRootPorts()).isEqualTo(2);
  }

  @Test
  void rejectsDuplicateDeviceIds() {
    assertThatThrownBy(() -> base()
        .blockDevice(new Device.Block("d0", Path.of("/a"), false))
        .blockDevice(new Device.Block("d0", Path.of("/b"), false))
        .build()).hasMessageContaining("'d0' is used twice");
  }

  @Test
  void rejectsKernelParamsWithSpaces() {
    assertThatThrownBy(() -> base().kernelParam("a b").build()).hasMessageContaining("kernel parameter");
    assertThatThrownBy(() -> base().kernelParam("a=\"b").build()).hasMessageContaining("kernel parameter");
    assertThat(base().kernelParam("capsa.init=\"echo hi; ls /\"").build().kernelParams()).hasSize(1);
  }

  @Test
  void unknownMachineTypeIsAClearError() {
    assertThat(MachineType.parse("Q35")).isEqualTo(MachineType.Q35);
    assertThatThrownBy(() -> MachineType.parse("pc-i440fx")).isInstanceOf(InvalidVmSpecException.class)
        .hasMessageContaining("Unknown machine type 'pc-i440fx'");
  }

  @Test
  void dataSizeParses() {
    assertThat(DataSize.parse("512M")).isEqualTo(DataSize.mebibytes(512));
    assertThat(DataSize.parse("2GiB")).isEqualTo(DataSize.gibibytes(2));
    assertThat(DataSize.parse("4096")).isEqualTo(DataSize.bytes(4096));
    assertThatThrownBy(() -> DataSize.parse("lots")).isInstanceOf(IllegalArgumentException.class);
  }
}
