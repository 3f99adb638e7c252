package capsa.shim.devices;

import capsa.hypervisor.GuestPciPath;
import capsa.hypervisor.Vm;
import capsa.hypervisor.spec.Device;

/** The three things device attachment needs of a VM (a narrow view of {@link Vm}; tests record calls on it). */
public interface VfioVm {

  GuestPciPath hotplug(Device.Vfio device);

  GuestPciPath guestPciPath(String deviceId);

  void unplug(String deviceId);

  static VfioVm of(Vm vm) {
    return new VfioVm() {
      @Override
      public GuestPciPath hotplug(Device.Vfio device) {
        return vm.hotplug(device);
      }

      @Override
      public GuestPciPath guestPciPath(String deviceId) {
        return vm.guestPciPath(deviceId);
      }

      @Override
      public void unplug(String deviceId) {
        vm.unplug(deviceId);
      }
    };
  }
}
