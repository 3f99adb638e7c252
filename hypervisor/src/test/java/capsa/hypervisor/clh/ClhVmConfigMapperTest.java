package capsa.hypervisor.clh;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.hypervisor.clh.api.ConsoleConfig;
import capsa.hypervisor.clh.api.VmConfig;
import capsa.hypervisor.spec.AgentChannelKind;
import capsa.hypervisor.spec.BootSource;
import capsa.hypervisor.spec.DataSize;
import capsa.hypervisor.spec.Device;
import capsa.hypervisor.spec.MachineType;
import capsa.hypervisor.spec.VmSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** VmSpec → vm.create body, against the shape Kata sends (reference §4.3). */
class ClhVmConfigMapperTest {

  private static VmSpec.Builder base() {
    return VmSpec.builder()
        .id("vm1")
        .vcpus(2)
        .memory(DataSize.mebibytes(512))
        .machine(MachineType.Q35)
        .pcieRootPorts(1)
        .agentChannel(AgentChannelKind.HYBRID_VSOCK)
        .boot(new BootSource.Initrd(Path.of("/g/vmlinux"), Path.of("/g/initrd")))
        .kernelParam("quiet")
        .consoleLog(Path.of("/l/console.log"))
        .vmmLog(Path.of("/l/vmm.log"))
        .runtimeDir(Path.of("/run/capsa/vm1"));
  }

  @Test
  void initrdBootWithColdPluggedDevices() {
    VmSpec spec = base()
        .blockDevice(new Device.Block("data", Path.of("/d/data.raw"), false))
        .vfioDevice(new Device.Vfio("gpu0", "0000:41:00.0"))
        .nic(new Device.Nic("eth0", "tap0", "02:00:00:00:00:01"))
        .build();
    VmConfig c = ClhVmConfigMapper.toVmConfig(spec, ClhPaths.in(spec.runtimeDir()));
    assertThat(c.payload().kernel()).isEqualTo("/g/vmlinux");
    assertThat(c.payload().initramfs()).isEqualTo("/g/initrd");
    assertThat(c.payload().cmdline()).isEqualTo("console=ttyS0 panic=1 quiet");
    assertThat(c.cpus().bootVcpus()).isEqualTo(2);
    assertThat(c.cpus().maxVcpus()).isEqualTo(2);
    assertThat(c.memory().size()).isEqualTo(512L << 20);
    assertThat(c.memory().hotplugSize()).isNull();
    assertThat(c.memory().shared()).isFalse();
    assertThat(c.disks()).singleElement().satisfies(d -> {
      assertThat(d.path()).isEqualTo("/d/data.raw");
      assertThat(d.readonly()).isFalse();
      assertThat(d.id()).isEqualTo("data");
      assertThat(d.imageType()).isEqualTo("Raw");
    });
    assertThat(c.devices()).singleElement().satisfies(d -> {
      assertThat(d.path()).isEqualTo("/sys/bus/pci/devices/0000:41:00.0");
      assertThat(d.id()).isEqualTo("gpu0");
    });
    assertThat(c.net()).isNull();
    assertThat(c.vsock().cid()).isEqualTo(3);
    assertThat(c.vsock().socket()).isEqualTo("/run/capsa/vm1/clh.sock");
    assertThat(c.serial()).isEqualTo(ConsoleConfig.toFile("/l/console.log"));
    assertThat(c.console()).isEqualTo(ConsoleConfig.off());
    assertThat(c.rng().src()).isEqualTo("/dev/urandom");
    assertThat(ClhVmConfigMapper.toNetConfig(spec.nics().get(0)).tap()).isEqualTo("tap0");
  }

  @Test
  void imageBootAttachesTheRootDiskReadOnly() {
    VmSpec spec = base().boot(new BootSource.Image(Path.of("/g/vmlinux"), Path.of("/g/root.img")))
        .maxVcpus(4).maxMemory(DataSize.mebibytes(1024)).build();
    VmConfig c = ClhVmConfigMapper.toVmConfig(spec, ClhPaths.in(spec.runtimeDir()));
    assertThat(c.payload().initramfs()).isNull();
    assertThat(c.disks()).singleElement().satisfies(d -> {
      assertThat(d.path()).isEqualTo("/g/root.img");
      assertThat(d.readonly()).isTrue();
    });
    assertThat(c.payload().cmdline()).contains("root=/dev/vda1").endsWith("quiet");
    assertThat(c.cpus().maxVcpus()).isEqualTo(4);
    assertThat(c.cpus().topology().coresPerDie()).isEqualTo(4);
    assertThat(c.memory().hotplugSize()).isEqualTo(512L << 20);
  }
}
