package capsa.hypervisor.qemu;

import capsa.hypervisor.DeviceException;
import capsa.hypervisor.GuestPciPath;
import capsa.hypervisor.HypervisorException;
import capsa.hypervisor.qemu.qmp.QmpClient;
import capsa.hypervisor.qemu.qmp.QmpCommands;
import capsa.hypervisor.spec.Device;
import capsa.hypervisor.spec.VmSpec;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot-plug onto q35 PCIe root ports: picks a free port, adds the backend (blockdev/netdev) and the device, resolves
 * the guest PCI path; unplug reverses it after {@code DEVICE_DELETED}. A failed step undoes the steps before it.
 *
 * <p>Threading: one operation at a time ({@code synchronized}); blocking.
 */
final class QemuHotplug {

  private static final Logger LOG = LoggerFactory.getLogger(QemuHotplug.class);

  private record Plugged(Device device, int port) {}

  private final VmSpec spec;
  private final QmpClient qmp;
  private final QemuConfig config;
  private final String[] portOwner;
  private final Map<String, Plugged> plugged = new HashMap<>();
  private final Set<String> coldIds = new HashSet<>();

  QemuHotplug(VmSpec spec, QmpClient qmp, QemuConfig config) {
    this.spec = spec;
    this.qmp = qmp;
    this.config = config;
    this.portOwner = new String[spec.pcieRootPorts()];
    // Cold-plugged VFIO devices hold the first ports (see QemuCommandLine).
    for (int i = 0; i < spec.vfioDevices().size(); i++) {
      portOwner[i] = spec.vfioDevices().get(i).id();
    }
    spec.blockDevices().forEach(d -> coldIds.add(d.id()));
    spec.nics().forEach(d -> coldIds.add(d.id()));
    spec.vfioDevices().forEach(d -> coldIds.add(d.id()));
  }

  synchronized GuestPciPath plug(Device device) {
    String id = device.id();
    if (plugged.containsKey(id) || coldIds.contains(id)) {
      throw new DeviceException("A device with id '" + id + "' is already attached to VM " + spec.id());
    }
    int port = freePort();
    String bus = QemuCommandLine.rootPortId(port);
    addBackendAndDevice(device, bus);
    // From here the device sits on the port: book it first so unplug works even if path resolution fails.
    portOwner[port] = id;
    plugged.put(id, new Plugged(device, port));
    GuestPciPath path;
    try {
      path = new PciPathResolver(qmp, config.commandTimeout()).resolve(id);
    } catch (Exception e) {
      throw new DeviceException("Device '" + id + "' was added but its guest PCI path could not be resolved; "
          + "unplug it to free the port", e);
    }
    LOG.info("VM {}: hot-plugged {} '{}' on {} at guest PCI path {}", spec.id(), kind(device), id, bus, path);
    return path;
  }

  /** Where the guest sees an attached device (cold- or hot-plugged), asked of QEMU again. */
  synchronized GuestPciPath pathOf(String id) {
    if (!plugged.containsKey(id) && !coldIds.contains(id)) {
      throw new DeviceException("VM " + spec.id() + " has no device '" + id + "'");
    }
    try {
      return new PciPathResolver(qmp, config.commandTimeout()).resolve(id);
    } catch (Exception e) {
      throw new DeviceException("Cannot resolve the guest PCI path of '" + id + "'", e);
    }
  }

  synchronized void unplug(String id) {
    Plugged p = plugged.get(id);
    if (p == null) {
      throw new DeviceException("VM " + spec.id() + " has no hot-plugged device '" + id + "'");
    }
    QemuVm.await(qmp.deviceDel(id, config.unplugTimeout()), "unplug of '" + id + "'");
    plugged.remove(id);
    portOwner[p.port()] = null;
    if (p.device() instanceof Device.Block) {
      QemuVm.await(qmp.execute(new QmpCommands.BlockdevDel(QemuCommandLine.driveNodeName(id))),
          "blockdev-del of '" + id + "'");
    } else if (p.device() instanceof Device.Nic) {
      QemuVm.await(qmp.execute(new QmpCommands.NetdevDel(netdevId(id))), "netdev_del of '" + id + "'");
    }
    LOG.info("VM {}: unplugged '{}'", spec.id(), id);
  }

  private void addBackendAndDevice(Device device, String bus) {
    String id = device.id();
    Map<String, Object> props = new LinkedHashMap<>();
    if (device instanceof Device.Block) {
      Device.Block b = (Device.Block) device;
      String node = QemuCommandLine.driveNodeName(id);
      step(new QmpCommands.BlockdevAdd(node, b.path().toAbsolutePath().toString(), b.readOnly()), id);
      props.put("drive", node);
      props.put("bus", bus);
      addDeviceOrUndo(new QmpCommands.DeviceAdd("virtio-blk-pci", id, props),
          new QmpCommands.BlockdevDel(node));
    } else if (device instanceof Device.Nic) {
      Device.Nic n = (Device.Nic) device;
      step(new QmpCommands.NetdevAddTap(netdevId(id), n.tapName()), id);
      props.put("netdev", netdevId(id));
      props.put("mac", n.mac());
      props.put("bus", bus);
      props.put("romfile", "");
      addDeviceOrUndo(new QmpCommands.DeviceAdd("virtio-net-pci", id, props), new QmpCommands.NetdevDel(netdevId(id)));
    } else if (device instanceof Device.Vfio) {
      // Kata's VFIO hot-plug: host address, no option ROM (a GPU's ROM is not run in the guest), the free port.
      // An emulated stand-in (tests) differs only in the driver name and the missing host property.
      VfioDriver driver = config.vfioDriver();
      if (driver.vfio()) {
        props.put("host", ((Device.Vfio) device).hostBdf());
      }
      props.put("romfile", "");
      props.put("bus", bus);
      step(new QmpCommands.DeviceAdd(driver.qemuDriver(), id, props), id);
    } else {
      throw new AssertionError(device);
    }
  }

  private void addDeviceOrUndo(QmpCommands.DeviceAdd add, capsa.hypervisor.qemu.qmp.QmpCommand<?> undo) {
    try {
      step(add, add.id());
    } catch (HypervisorException e) {
      try {
        QemuVm.await(qmp.execute(undo), "undo");
      } catch (HypervisorException undoFailure) {
        e.addSuppressed(undoFailure);
      }
      throw e;
    }
  }

  private void step(capsa.hypervisor.qemu.qmp.QmpCommand<?> cmd, String id) {
    try {
      QemuVm.await(qmp.execute(cmd), cmd.name());
    } catch (HypervisorException e) {
      throw new DeviceException("Hot-plug of '" + id + "' failed at " + cmd.name(), e);
    }
  }

  private int freePort() {
    for (int i = 0; i < portOwner.length; i++) {
      if (portOwner[i] == null) {
        return i;
      }
    }
    throw new DeviceException("VM " + spec.id() + " has no free PCIe root port (pcieRootPorts=" + portOwner.length
        + ")");
  }

  private static String netdevId(String id) {
    return "net-" + id;
  }

  private static String kind(Device d) {
    return d instanceof Device.Block ? "disk" : d instanceof Device.Nic ? "nic" : "vfio";
  }
}
