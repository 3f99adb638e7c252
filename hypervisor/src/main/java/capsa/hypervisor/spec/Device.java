package capsa.hypervisor.spec;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A device given to the VM, either in the spec (cold-plugged) or later through {@code Vm.hotplug}. The {@link #id()}
 * names it to the VMM and must be unique within one VM.
 */
public sealed interface Device permits Device.Block, Device.Nic, Device.Vfio {

  String id();

  /** A virtio-blk disk backed by a host file or block device. */
  record Block(String id, Path path, boolean readOnly) implements Device {
    public Block {
      checkId(id);
      Objects.requireNonNull(path, "path");
    }
  }

  /**
   * A virtio-net NIC on an existing host tap device (created by the caller, in the VMM's network namespace).
   *
   * @param mac guest MAC, {@code aa:bb:cc:dd:ee:ff}
   */
  record Nic(String id, String tapName, String mac) implements Device {
    private static final Pattern MAC = Pattern.compile("([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}");

    public Nic {
      checkId(id);
      if (tapName == null || !Pattern.matches("[A-Za-z0-9_.-]{1,15}", tapName)) {
        throw new IllegalArgumentException("Tap name must be 1-15 characters [A-Za-z0-9_.-]: " + tapName);
      }
      if (mac == null || !MAC.matcher(mac).matches()) {
        throw new IllegalArgumentException("MAC must look like aa:bb:cc:dd:ee:ff: " + mac);
      }
    }
  }

  /**
   * A host PCI function bound to vfio-pci, passed through.
   *
   * @param hostBdf full host address, {@code 0000:41:00.0}
   * @param ids the function's vendor and device ids, when known: QEMU is told them ({@code x-pci-vendor-id}) so the
   *     guest sees the real ids even where the VMM would otherwise virtualise them
   */
  record Vfio(String id, String hostBdf, Optional<PciIds> ids) implements Device {
    private static final Pattern BDF = Pattern.compile("[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\\.[0-7]");

    public Vfio {
      checkId(id);
      if (hostBdf == null || !BDF.matcher(hostBdf).matches()) {
        throw new IllegalArgumentException("Host BDF must look like 0000:41:00.0: " + hostBdf);
      }
      Objects.requireNonNull(ids, "ids");
    }

    /** Ids unknown. */
    public Vfio(String id, String hostBdf) {
      this(id, hostBdf, Optional.empty());
    }
  }

  /** PCI vendor and device id, 16 bits each. */
  record PciIds(int vendor, int device) {
    public PciIds {
      if (vendor < 0 || vendor > 0xffff || device < 0 || device > 0xffff) {
        throw new IllegalArgumentException("PCI ids are 16-bit: " + vendor + ":" + device);
      }
    }
  }

  /** Device ids end up in QEMU option strings and QMP ids: keep them to a safe alphabet. */
  private static void checkId(String id) {
    if (id == null || !Pattern.matches("[A-Za-z][A-Za-z0-9_.-]{0,62}", id)) {
      throw new IllegalArgumentException(
          "Device id must start with a letter and be 1-63 characters [A-Za-z0-9_.-]: " + id);
    }
  }
}
