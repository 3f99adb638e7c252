package capsa.shim.devices;

import capsa.hypervisor.DeviceException;
import capsa.hypervisor.GuestPciPath;
import capsa.hypervisor.spec.Device;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A VM double for device attachment: records hot-plugs and unplugs and places devices the way QEMU's q35 topology
 * does in Capsa (root port k at slot k+1... here simply slot 2+k, device slot 0 behind it). Cold-plugged ids answer
 * from {@link #coldPaths}.
 */
public final class RecordingVfioVm implements VfioVm {

  public final List<String> calls = new CopyOnWriteArrayList<>();
  public final Map<String, GuestPciPath> coldPaths = new ConcurrentHashMap<>();
  private final Map<String, GuestPciPath> plugged = new ConcurrentHashMap<>();
  private int nextSlot;
  public volatile String refuseHotplugOf;

  public RecordingVfioVm(int firstFreeSlot) {
    this.nextSlot = firstFreeSlot;
  }

  @Override
  public synchronized GuestPciPath hotplug(Device.Vfio device) {
    calls.add("hotplug " + device.id() + " " + device.hostBdf());
    if (device.id().equals(refuseHotplugOf)) {
      throw new DeviceException("Hot-plug of '" + device.id() + "' failed at device_add");
    }
    GuestPciPath p = new GuestPciPath(List.of(nextSlot++, 0));
    plugged.put(device.id(), p);
    return p;
  }

  @Override
  public GuestPciPath guestPciPath(String deviceId) {
    calls.add("path " + deviceId);
    GuestPciPath p = coldPaths.getOrDefault(deviceId, plugged.get(deviceId));
    if (p == null) {
      throw new DeviceException("no device " + deviceId);
    }
    return p;
  }

  @Override
  public void unplug(String deviceId) {
    calls.add("unplug " + deviceId);
    plugged.remove(deviceId);
  }
}
