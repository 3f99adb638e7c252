package capsa.hypervisor.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.hypervisor.qemu.args.DeviceArgs;
import capsa.hypervisor.spec.BootSource;
import capsa.hypervisor.spec.DataSize;
import capsa.hypervisor.spec.Device;
import capsa.hypervisor.spec.MachineType;
import capsa.hypervisor.spec.SharedFs;
import capsa.hypervisor.spec.VmSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Golden command lines: what QEMU gets for a microvm and a q35 spec. */
class QemuCommandLineTest {

  private static final HostFacts TCG = new HostFacts(false, false, OptionalLong.of(2_095_999));
  private static final HostFacts KVM = new HostFacts(true, true, OptionalLong.of(2_095_999));
  private static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");

  private static VmSpec.Builder base(String id) {
    return VmSpec.builder().id(id)
        .boot(new BootSource.Initrd(Path.of("/img/vmlinux"), Path.of("/img/initrd.gz")))
        .consoleLog(Path.of("/logs/console.log"))
        .vmmLog(Path.of("/logs/qemu.log"))
        .runtimeDir(Path.of("/run/capsa/" + id));
  }

  private static String render(VmSpec spec, HostFacts host) {
    return String.join(" ", QemuCommandLine.argv(QEMU,
        QemuCommandLine.build(spec, host, new QemuPaths(spec.runtimeDir()), OptionalLong.empty())));
  }

  @Test
  void microvmUnderTcg() {
    assertThat(render(base("m").kernelParam("capsa.debug=1").build(), TCG)).isEqualTo(
        "/usr/bin/qemu-system-x86_64 -name m -machine microvm,accel=tcg -smp cpus=1,maxcpus=1 -m 512M"
            + " -no-user-config -nodefaults -display none -no-reboot"
            + " -qmp unix:/run/capsa/m/qmp.sock,server=on,wait=off -pidfile /run/capsa/m/qemu.pid"
            + " -chardev file,id=console0,path=/logs/console.log -serial chardev:console0"
            + " -device virtio-serial-device,id=serial0"
            + " -chardev socket,id=agent0,path=/run/capsa/m/agent.sock,server=on,wait=off"
            + " -device virtserialport,id=agentport0,chardev=agent0,name=agent.channel.0"
            + " -kernel /img/vmlinux -initrd /img/initrd.gz"
            + " -append console=ttyS0 quiet panic=-1 cryptomgr.notests=1 initcall_blacklist=crypto_kdf108_init tsc=reliable tsc_early_khz=2095999 mitigations=off"
            + " capsa.debug=1");
  }

  @Test
  void q35WithRootPortsDisks9pNicAndMemoryHotplugOnKvm() {
    VmSpec s = base("q").machine(MachineType.Q35).vcpus(2).maxVcpus(4)
        .memory(DataSize.mebibytes(1024)).maxMemory(DataSize.gibibytes(4))
        .pcieRootPorts(2)
        .blockDevice(new Device.Block("d0", Path.of("/disks/a,b.img"), true))
        .sharedFs(new SharedFs.NineP("kataShared", Path.of("/share")))
        .nic(new Device.Nic("eth0", "tap0_kata", "02:00:00:00:00:01"))
        .build();
    List<String> argv = QemuCommandLine.argv(QEMU,
        QemuCommandLine.build(s, KVM, new QemuPaths(s.runtimeDir()), OptionalLong.empty()));
    String line = String.join(" ", argv);
    assertThat(line).contains(
        "-machine q35,accel=kvm -cpu host -smp cpus=2,maxcpus=4 -m 1024M,slots=8,maxmem=4096M",
        "-device virtio-serial-pci,id=serial0",
        "-device pcie-root-port,id=rp0,bus=pcie.0,chassis=1,slot=1",
        "-device pcie-root-port,id=rp1,bus=pcie.0,chassis=2,slot=2",
        // a comma in a path is doubled, so it cannot start a new option
        "-blockdev driver=raw,node-name=drive-d0,read-only=on,file.driver=file,file.filename=/disks/a,,b.img",
        "-device virtio-blk-pci,id=d0,drive=drive-d0",
        "-fsdev local,id=fs0,path=/share,security_model=none,multidevs=remap",
        "-device virtio-9p-pci,id=share0,fsdev=fs0,mount_tag=kataShared",
        "-netdev tap,id=net-eth0,ifname=tap0_kata,script=no,downscript=no,vhost=off",
        "-device virtio-net-pci,id=eth0,netdev=net-eth0,mac=02:00:00:00:00:01,romfile=");
    // KVM: no TCG-only parameters; q35 has a PIT/HPET, so no TSC hint either.
    String append = argv.get(argv.indexOf("-append") + 1);
    assertThat(append).isEqualTo("console=ttyS0 quiet panic=-1 cryptomgr.notests=1 initcall_blacklist=crypto_kdf108_init"
        + " tsc=reliable memhp_default_state=online");
  }

  @Test
  void tapNicsUseVhostOnlyWhereTheHostHasVhostNet() {
    assertThat(new DeviceArgs.NetdevTap("net-nic0", "tap0_capsa", true).toArgs())
        .containsExactly("-netdev", "tap,id=net-nic0,ifname=tap0_capsa,script=no,downscript=no,vhost=on");
    assertThat(new HostFacts(false, false, OptionalLong.empty()).vhostNet()).isFalse();
  }

  @Test
  void aNetworkNamespaceWrapsTheCommandInNsenter() {
    assertThat(capsa.hypervisor.NetnsLaunch.wrap(java.util.Optional.of(Path.of("/var/run/netns/p")),
        List.of("/usr/bin/qemu-system-x86_64", "-S")))
        .containsExactly("nsenter", "--net=/var/run/netns/p", "--", "/usr/bin/qemu-system-x86_64", "-S");
    assertThat(capsa.hypervisor.NetnsLaunch.wrap(java.util.Optional.empty(), List.of("qemu")))
        .containsExactly("qemu");
  }

  @Test
  void hostFactsParseCpuinfo() {
    assertThat(HostFacts.parseCpuKhz("processor : 0\ncpu MHz\t\t: 2095.999\n")).hasValue(2_095_999);
    assertThat(HostFacts.parseCpuKhz("nothing here")).isEmpty();
  }
}
