package capsa.hypervisor.qemu;

import capsa.hypervisor.qemu.args.ChardevArgs;
import capsa.hypervisor.qemu.args.DeviceArgs;
import capsa.hypervisor.qemu.args.MachineArgs;
import capsa.hypervisor.qemu.args.QemuArg;
import capsa.hypervisor.qemu.args.VirtioTransport;
import capsa.hypervisor.spec.AgentChannelKind;
import capsa.hypervisor.spec.BootSource;
import capsa.hypervisor.spec.Device;
import capsa.hypervisor.spec.MachineType;
import capsa.hypervisor.spec.SharedFs;
import capsa.hypervisor.spec.VmSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Turns a validated {@link VmSpec} into the list of {@link QemuArg}s for one QEMU process. Pure: no I/O, so the
 * whole command line is unit-testable.
 */
public final class QemuCommandLine {

  /** Name of the agent's virtio-serial port (Kata 1.x naming; the guest looks it up in sysfs). */
  public static final String AGENT_PORT_NAME = "agent.channel.0";
  /** Memory hotplug slots offered on q35 when maxMemory exceeds memory. */
  static final int MEMORY_SLOTS = 8;

  private QemuCommandLine() {}

  /** Root port ids are rp0..rpN-1 (the hotplug code and qom-get walks rely on it). */
  public static String rootPortId(int index) {
    return "rp" + index;
  }

  /** Block node name behind a disk device id. */
  public static String driveNodeName(String deviceId) {
    return "drive-" + deviceId;
  }

  /**
   * Builds the items.
   *
   * @param vsockCid the guest CID when the agent channel is vsock
   */
  public static List<QemuArg> build(VmSpec spec, HostFacts host, QemuPaths paths, OptionalLong vsockCid) {
    return build(spec, host, paths, vsockCid, VfioDriver.VFIO_PCI);
  }

  /**
   * Builds the items with {@code vfioDriver} carrying the spec's VFIO devices.
   *
   * @param vsockCid the guest CID when the agent channel is vsock
   */
  public static List<QemuArg> build(VmSpec spec, HostFacts host, QemuPaths paths, OptionalLong vsockCid,
      VfioDriver vfioDriver) {
    boolean q35 = spec.machine() == MachineType.Q35;
    VirtioTransport t = q35 ? VirtioTransport.PCI : VirtioTransport.MMIO;
    List<QemuArg> a = new ArrayList<>();
    a.add(new MachineArgs.Name(spec.id()));
    a.add(new MachineArgs.Machine(spec.machine().qemuName(), host.accel(), List.of()));
    if (host.kvm()) {
      // With passthrough the guest must address the 64-bit MMIO window: give it the host's physical address width
      // (QEMU's default of 40 bits tops out at 1 TiB, less than eight large GPUs need).
      a.add(new MachineArgs.Cpu(spec.vfioDevices().isEmpty() ? "host" : "host,host-phys-bits=on"));
    }
    a.add(new MachineArgs.Smp(spec.vcpus(), q35 ? spec.maxVcpus() : spec.vcpus()));
    long mib = spec.memory().toMebibytes();
    long maxMib = spec.maxMemory().toMebibytes();
    a.add(q35 && maxMib > mib ? new MachineArgs.Memory(mib, MEMORY_SLOTS, maxMib) : new MachineArgs.Memory(mib, 0, 0));
    a.add(new MachineArgs.Knobs());
    a.add(new MachineArgs.Qmp(paths.qmpSocket()));
    a.add(new MachineArgs.PidFile(paths.pidFile()));
    a.add(new ChardevArgs.File("console0", spec.consoleLog()));
    a.add(new ChardevArgs.Serial("console0"));
    if (spec.agentChannel() == AgentChannelKind.VIRTIO_SERIAL) {
      a.add(new ChardevArgs.VirtioSerial("serial0", t));
      a.add(new ChardevArgs.SocketServer("agent0", paths.agentSocket()));
      a.add(new ChardevArgs.VirtSerialPort("agentport0", "agent0", AGENT_PORT_NAME));
    } else if (spec.agentChannel() == AgentChannelKind.VSOCK) {
      a.add(new DeviceArgs.VhostVsock("vsock0", vsockCid.orElseThrow(), t));
    }
    long spareReserve = spec.passthrough().sparePortReserve().bytes();
    for (int i = 0; i < spec.pcieRootPorts(); i++) {
      // chassis/slot must be unique per port; start at 1 like QEMU's own examples. Ports after the cold-plugged VFIO
      // devices are the hot-plug spares: they reserve room for a large-BAR device when configured to.
      boolean spare = i >= spec.vfioDevices().size();
      a.add(new DeviceArgs.PcieRootPort(rootPortId(i), i + 1, i + 1, spare ? spareReserve : 0));
    }
    a.addAll(PassthroughArgs.firmwareAndWindow(spec));
    if (spec.boot() instanceof BootSource.Image) {
      Path image = ((BootSource.Image) spec.boot()).image();
      a.add(new DeviceArgs.Blockdev(driveNodeName("rootfs"), image, true));
      a.add(new DeviceArgs.VirtioBlk("rootfs", driveNodeName("rootfs"), t));
    }
    for (Device.Block b : spec.blockDevices()) {
      a.add(new DeviceArgs.Blockdev(driveNodeName(b.id()), b.path(), b.readOnly()));
      a.add(new DeviceArgs.VirtioBlk(b.id(), driveNodeName(b.id()), t));
    }
    if (spec.sharedFs().isPresent()) {
      SharedFs fs = spec.sharedFs().get();
      a.add(new DeviceArgs.Fsdev9p("fs0", fs.hostDir()));
      a.add(new DeviceArgs.Virtio9p("share0", "fs0", fs.tag(), t));
    }
    for (Device.Nic n : spec.nics()) {
      a.add(new DeviceArgs.NetdevTap("net-" + n.id(), n.tapName(), host.vhostNet()));
      a.add(new DeviceArgs.VirtioNet(n.id(), "net-" + n.id(), n.mac(), t));
    }
    int port = 0;
    for (Device.Vfio v : spec.vfioDevices()) {
      // Cold-plugged VFIO functions take the first root ports, one each (VmSpec checked there are enough).
      a.add(new DeviceArgs.VfioPci(vfioDriver.qemuDriver(), vfioDriver.vfio(), v.id(), v.hostBdf(), v.ids(),
          Optional.of(rootPortId(port++))));
    }
    Optional<Path> initrd = spec.boot() instanceof BootSource.Initrd
        ? Optional.of(((BootSource.Initrd) spec.boot()).initrd()) : Optional.empty();
    a.add(new MachineArgs.KernelBoot(spec.boot().kernel(), initrd,
        String.join(" ", KernelParams.build(spec, host))));
    return a;
  }

  /** Flattens items into argv after the binary. */
  public static List<String> argv(Path binary, List<QemuArg> items) {
    List<String> argv = new ArrayList<>();
    argv.add(binary.toString());
    items.forEach(i -> argv.addAll(i.toArgs()));
    return argv;
  }
}
