package capsa.hypervisor.clh;

import capsa.hypervisor.clh.api.ConsoleConfig;
import capsa.hypervisor.clh.api.CpusConfig;
import capsa.hypervisor.clh.api.DeviceConfig;
import capsa.hypervisor.clh.api.DiskConfig;
import capsa.hypervisor.clh.api.FsConfig;
import capsa.hypervisor.clh.api.MemoryConfig;
import capsa.hypervisor.clh.api.NetConfig;
import capsa.hypervisor.clh.api.PayloadConfig;
import capsa.hypervisor.clh.api.RngConfig;
import capsa.hypervisor.clh.api.VmConfig;
import capsa.hypervisor.clh.api.VsockConfig;
import capsa.hypervisor.spec.BootSource;
import capsa.hypervisor.spec.Device;
import capsa.hypervisor.spec.SharedFs;
import capsa.hypervisor.spec.VmSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link VmSpec} into the {@code vm.create} body, shaped like the one Kata sends (reference §4.3), and into
 * the {@code vm.add-net} bodies that follow it. Pure: no I/O.
 */
final class ClhVmConfigMapper {

  /** Kata's fixed guest CID for Cloud Hypervisor: each VM has its own vsock namespace behind its own socket. */
  static final long GUEST_CID = 3;

  /**
   * The serial port is the guest console Capsa captures ({@code Vm.consoleLog}); {@code panic=1} turns a guest panic
   * into a VMM exit instead of a hung VM.
   */
  static final List<String> BASE_KERNEL_PARAMS = List.of("console=ttyS0", "panic=1");

  /** Kata's root parameters when the guest boots from a read-only ext4 image on the first disk. */
  static final List<String> IMAGE_ROOT_PARAMS =
      List.of("root=/dev/vda1", "rootflags=data=ordered,errors=remount-ro", "ro", "rootfstype=ext4");

  private ClhVmConfigMapper() {}

  static VmConfig toVmConfig(VmSpec spec, ClhPaths paths) {
    List<String> cmdline = new ArrayList<>(BASE_KERNEL_PARAMS);
    List<DiskConfig> disks = new ArrayList<>();
    String initramfs = null;
    if (spec.boot() instanceof BootSource.Initrd initrd) {
      initramfs = initrd.initrd().toAbsolutePath().toString();
    } else if (spec.boot() instanceof BootSource.Image image) {
      disks.add(new DiskConfig(
          image.image().toAbsolutePath().toString(), true, null, null, null, null, null, "Raw", "rootfs"));
      cmdline.addAll(IMAGE_ROOT_PARAMS);
    }
    cmdline.addAll(spec.kernelParams());
    for (Device.Block b : spec.blockDevices()) {
      disks.add(DiskConfig.raw(b.path().toAbsolutePath().toString(), b.readOnly(), spec.vcpus(), b.id()));
    }
    boolean virtioFs = spec.sharedFs().filter(fs -> fs instanceof SharedFs.VirtioFs).isPresent();
    List<FsConfig> fs =
        spec.sharedFs()
            .map(share -> List.of(new FsConfig(
                share.tag(), paths.virtiofsdSocket().toString(), 1, 1024, null, null)))
            .orElse(List.of());
    long extra = spec.maxMemory().bytes() - spec.memory().bytes();
    List<DeviceConfig> vfio =
        spec.vfioDevices().stream()
            .map(d -> new DeviceConfig(sysfsPath(d), false, null, d.id()))
            .toList();
    return new VmConfig(
        new PayloadConfig(spec.boot().kernel().toAbsolutePath().toString(), String.join(" ", cmdline), initramfs),
        CpusConfig.flat(spec.vcpus(), spec.maxVcpus()),
        new MemoryConfig(spec.memory().bytes(), virtioFs, false, extra > 0 ? extra : null),
        disks,
        null,
        new RngConfig("/dev/urandom", null),
        fs,
        ConsoleConfig.toFile(spec.consoleLog().toAbsolutePath().toString()),
        ConsoleConfig.off(),
        vfio,
        new VsockConfig(GUEST_CID, paths.vsockSocket().toString(), null, null, null),
        null);
  }

  /** The {@code vm.add-net} body of a NIC: a named tap (passing tap fds over SCM_RIGHTS is not implemented). */
  static NetConfig toNetConfig(Device.Nic nic) {
    return new NetConfig(nic.tapName(), nic.mac(), null, false, null, null, nic.id());
  }

  /** The {@code vm.add-disk} body of a hot-plugged disk, the way Kata hot-plugs one. */
  static DiskConfig toDiskConfig(Device.Block block, int vcpus) {
    return DiskConfig.raw(block.path().toAbsolutePath().toString(), block.readOnly(), vcpus, block.id());
  }

  static DeviceConfig toDeviceConfig(Device.Vfio vfio) {
    return new DeviceConfig(sysfsPath(vfio), false, null, vfio.id());
  }

  private static String sysfsPath(Device.Vfio vfio) {
    return "/sys/bus/pci/devices/" + vfio.hostBdf();
  }
}
