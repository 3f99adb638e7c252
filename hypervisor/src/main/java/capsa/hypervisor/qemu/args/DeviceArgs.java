package capsa.hypervisor.qemu.args;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** PCIe topology, disks, 9p, NICs, VFIO, vsock. */
public final class DeviceArgs {

  private DeviceArgs() {}

  /** {@code -device pcie-root-port}: one hot-pluggable slot. Chassis/slot numbers must be unique per port. */
  public record PcieRootPort(String id, int chassis, int slot) implements QemuArg {
    @Override
    public List<String> toArgs() {
      return List.of("-device", QemuOpts.of("pcie-root-port").add("id", id).add("bus", "pcie.0")
          .add("chassis", chassis).add("slot", slot).toString());
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

  /** A VFIO passthrough function on a root port. */
  public record VfioPci(String id, String hostBdf, Optional<String> bus) implements QemuArg {
    @Override
    public List<String> toArgs() {
      QemuOpts o = QemuOpts.of("vfio-pci").add("id", id).add("host", hostBdf);
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
