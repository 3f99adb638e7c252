package capsa.hypervisor.qemu.args;

import capsa.hypervisor.spec.Device;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** PCIe topology, disks, 9p, NICs, VFIO, vsock. */
public final class DeviceArgs {

  private DeviceArgs() {}

  /**
   * {@code -device pcie-root-port}: one hot-pluggable slot. Chassis/slot numbers must be unique per port.
   *
   * @param pref64Reserve bytes of 64-bit prefetchable window the firmware reserves behind a free port, so a large-BAR
   *     device hot-plugged later fits (0: QEMU's default)
   */
  public record PcieRootPort(String id, int chassis, int slot, long pref64Reserve) implements QemuArg {
    public PcieRootPort(String id, int chassis, int slot) {
      this(id, chassis, slot, 0);
    }

    @Override
    public List<String> toArgs() {
      QemuOpts o = QemuOpts.of("pcie-root-port").add("id", id).add("bus", "pcie.0").add("chassis", chassis)
          .add("slot", slot);
      if (pref64Reserve > 0) {
        o.add("pref64-reserve", pref64Reserve);
      }
      return List.of("-device", o.toString());
    }
  }

  /** {@code -blockdev} raw format over a file protocol node. */
  public record Blockdev(String nodeName, Path file, boolean readOnly) implements QemuArg {
    @Override
    public List<String> toArgs() {
      return List.of("-blockdev", QemuOpts.of("driver=raw").add("node-name", nodeName)
          .flag("read-only", readOnly).add("file.driver", "file").add("file.filename", file).toString());
    }
  }

  /** A virtio-blk disk on a blockdev node. */
  public record VirtioBlk(String id, String drive, VirtioTransport transport) implements QemuArg {
    @Override
    public List<String> toArgs() {
      return List.of("-device", QemuOpts.of(transport.driver("virtio-blk")).add("id", id).add("drive", drive)
          .toString());
    }
  }

  /**
   * {@code -fsdev local}: 9p export of a host dir. {@code security_model=none} passes guest ownership through as the
   * QEMU user; {@code multidevs=remap} keeps inode numbers unique when the share spans several host file systems.
   */
  public record Fsdev9p(String id, Path path) implements QemuArg {
    @Override
    public List<String> toArgs() {
      return List.of("-fsdev", QemuOpts.of("local").add("id", id).add("path", path)
          .add("security_model", "none").add("multidevs", "remap").toString());
    }
  }

  /** The virtio-9p device carrying a fsdev under a mount tag. */
  public record Virtio9p(String id, String fsdevId, String mountTag, VirtioTransport transport) implements QemuArg {
    @Override
    public List<String> toArgs() {
      return List.of("-device", QemuOpts.of(transport.driver("virtio-9p")).add("id", id).add("fsdev", fsdevId)
          .add("mount_tag", mountTag).toString());
    }
  }

  /**
   * {@code -netdev tap} on an existing tap, opened by name (QEMU runs in the tap's network namespace);
   * {@code vhost=on} only where {@code /dev/vhost-net} exists.
   */
  public record NetdevTap(String id, String ifname, boolean vhost) implements QemuArg {
    public NetdevTap(String id, String ifname) {
      this(id, ifname, false);
    }

    @Override
    public List<String> toArgs() {
      return List.of("-netdev", QemuOpts.of("tap").add("id", id).add("ifname", ifname).add("script", "no")
          .add("downscript", "no").flag("vhost", vhost).toString());
    }
  }

  /** A virtio-net NIC; {@code romfile=} (PCI only) skips loading the iPXE option ROM at boot. */
  public record VirtioNet(String id, String netdevId, String mac, VirtioTransport transport) implements QemuArg {
    @Override
    public List<String> toArgs() {
      QemuOpts o = QemuOpts.of(transport.driver("virtio-net")).add("id", id).add("netdev", netdevId).add("mac", mac);
      if (transport == VirtioTransport.PCI) {
        o.add("romfile", "");
      }
      return List.of("-device", o.toString());
    }
  }

  /**
   * A VFIO passthrough function on a root port, Kata's form: {@code vfio-pci,host=..,id=..,x-pci-vendor-id=0x10de,
   * x-pci-device-id=0x2330,bus=rp0}. With an emulated stand-in {@code driver} (tests) the VFIO-only properties are
   * left out.
   *
   * @param ids vendor and device id, when known
   */
  public record VfioPci(String driver, boolean vfio, String id, String hostBdf, Optional<Device.PciIds> ids,
      Optional<String> bus) implements QemuArg {
    public VfioPci(String id, String hostBdf, Optional<String> bus) {
      this("vfio-pci", true, id, hostBdf, Optional.empty(), bus);
    }

    @Override
    public List<String> toArgs() {
      QemuOpts o = QemuOpts.of(driver);
      if (vfio) {
        o.add("host", hostBdf);
      }
      o.add("id", id);
      if (vfio) {
        ids.ifPresent(i -> o.add("x-pci-vendor-id", String.format("0x%04x", i.vendor()))
            .add("x-pci-device-id", String.format("0x%04x", i.device())));
      }
      bus.ifPresent(b -> o.add("bus", b));
      return List.of("-device", o.toString());
    }
  }

  /** vhost-vsock with a guest CID (QEMU opens /dev/vhost-vsock itself). */
  public record VhostVsock(String id, long guestCid, VirtioTransport transport) implements QemuArg {
    @Override
    public List<String> toArgs() {
      return List.of("-device", QemuOpts.of(transport.driver("vhost-vsock")).add("id", id)
          .add("guest-cid", guestCid).toString());
    }
  }
}
