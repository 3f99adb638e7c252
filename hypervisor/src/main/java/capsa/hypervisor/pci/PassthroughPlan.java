package capsa.hypervisor.pci;

import capsa.hypervisor.spec.DataSize;
import capsa.hypervisor.spec.Device;
import capsa.hypervisor.spec.PciPassthrough;
import capsa.hypervisor.spec.VmSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a VM needs for the IOMMU groups it gets at boot: one {@link Device.Vfio} per function (each on its own root
 * port), the root port count, firmware and 64-bit MMIO window, and the kernel parameters. {@link #applyTo} puts it
 * into a spec builder; an empty plan changes nothing.
 *
 * @param groups the groups, in the order their functions take root ports
 */
public record PassthroughPlan(List<IommuGroup> groups, List<Device.Vfio> devices, int rootPorts,
    PciPassthrough passthrough, Mmio64Window window, List<String> kernelParams) {

  public PassthroughPlan {
    groups = List.copyOf(groups);
    devices = List.copyOf(devices);
    kernelParams = List.copyOf(kernelParams);
  }

  /** Kata-style device id of the n-th function of a group: unique per VM because a group is attached once. */
  public static String deviceId(int group, int function) {
    return "vfio" + group + "-" + function;
  }

  /**
   * Plans cold-plug of {@code groups} (each must be wholly bound to vfio-pci).
   *
   * @throws PciSysfsException naming the function that is not ready, or when more root ports are needed than a VM
   *     can have
   */
  public static PassthroughPlan coldPlug(List<IommuGroup> groups, PassthroughSettings settings) {
    List<Device.Vfio> devices = new ArrayList<>();
    List<PciFunction> perPort = new ArrayList<>();
    for (IommuGroup g : groups) {
      g.notReadyReason().ifPresent(r -> {
        throw new PciSysfsException("IOMMU group " + g.number() + " cannot be passed through: " + r);
      });
      for (int i = 0; i < g.members().size(); i++) {
        PciFunction f = g.members().get(i);
        devices.add(new Device.Vfio(deviceId(g.number(), i), f.address().toString(),
            Optional.of(new Device.PciIds(f.vendor(), f.device()))));
        perPort.add(f);
      }
    }
    int ports = devices.size() + settings.spareRootPorts();
    if (ports > VmSpec.MAX_PCIE_ROOT_PORTS) {
      throw new PciSysfsException(devices.size() + " functions plus " + settings.spareRootPorts()
          + " spare ports need " + ports + " PCIe root ports; a VM can have at most " + VmSpec.MAX_PCIE_ROOT_PORTS);
    }
    Mmio64Window window = Mmio64Window.forPorts(perPort, settings.spareRootPorts(),
        settings.sparePortReserve().bytes());
    boolean any = !devices.isEmpty() || settings.spareRootPorts() > 0;
    PciPassthrough pp = new PciPassthrough(devices.isEmpty() ? Optional.empty() : settings.firmware(),
        window.exceedsDefault() ? Optional.of(DataSize.bytes(window.bytes())) : Optional.empty(),
        settings.sparePortReserve());
    return new PassthroughPlan(groups, devices, any ? ports : 0, pp, window,
        devices.isEmpty() ? List.of() : settings.kernelParams());
  }

  public boolean isEmpty() {
    return devices.isEmpty();
  }

  /** Adds devices, root ports, firmware/window and kernel parameters to a q35 spec being built. */
  public VmSpec.Builder applyTo(VmSpec.Builder b) {
    devices.forEach(b::vfioDevice);
    kernelParams.forEach(b::kernelParam);
    return b.pcieRootPorts(rootPorts).passthrough(passthrough);
  }
}
