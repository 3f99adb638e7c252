package capsa.shim.devices;

import capsa.hypervisor.GuestPciPath;
import capsa.hypervisor.HypervisorException;
import capsa.hypervisor.pci.IommuGroup;
import capsa.hypervisor.pci.PassthroughPlan;
import capsa.hypervisor.pci.PciFunction;
import capsa.hypervisor.pci.PciSysfs;
import capsa.hypervisor.pci.PciSysfsException;
import capsa.proto.agent.Device;
import capsa.proto.oci.Spec;
import capsa.shim.sandbox.TaskException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VFIO groups of one sandbox: planned for cold-plug from the sandbox's spec before boot, resolved to guest PCI
 * paths after boot, hot-plugged on free root ports for later containers, unplugged when the last container using a
 * hot-plugged group is deleted. Each container gets one agent {@code Device} per group: type {@code vfio-pci-gk} (or
 * {@code vfio-pci}), id the host group number, container path {@code /dev/vfio/<group>}, one
 * {@code "<host BDF>=<guest PCI path>"} option per function (reference §1.4).
 *
 * <p>Threading: the sandbox's lifecycle thread only.
 */
public final class VfioDevices implements ContainerDevices {

  private static final Logger LOG = LoggerFactory.getLogger(VfioDevices.class);

  /** One function in the VM. */
  private record Attached(String hostBdf, String deviceId, GuestPciPath path) {}

  /** One group in the VM and who uses it. */
  private record Group(int number, boolean cold, List<Attached> functions, Set<String> users) {}

  private final DeviceSettings settings;
  private final PciSysfs sysfs;
  private final VfioRequests requests;
  private final Map<Integer, Group> groups = new LinkedHashMap<>();
  private PassthroughPlan plan = PassthroughPlan.coldPlug(List.of(), new capsa.hypervisor.pci.PassthroughSettings(
      0, capsa.hypervisor.spec.DataSize.bytes(0), Optional.empty(), List.of()));
  private VfioVm vm;

  public VfioDevices(DeviceSettings settings) {
    this.settings = settings;
    this.sysfs = new PciSysfs(settings.sysfs());
    this.requests = new VfioRequests(settings);
  }

  /**
   * Plans the sandbox VM's passthrough from the sandbox's own spec (device nodes, CDI annotations, GPU count); the
   * plan always carries the configured spare root ports so later containers can get devices.
   */
  public PassthroughPlan coldPlan(Spec sandboxSpec) {
    Set<Integer> wanted = new LinkedHashSet<>(requests.explicitGroups(sandboxSpec));
    int count = requests.count(sandboxSpec);
    if (count > 0) {
      wanted.addAll(VfioRequests.pickFree(sysfs, count, wanted));
    }
    if (!wanted.isEmpty() && !settings.enabled()) {
      throw new TaskException.FailedPrecondition("the pod asks for VFIO devices (IOMMU groups " + wanted
          + ") but passthrough is not enabled");
    }
    List<IommuGroup> gs = new ArrayList<>();
    try {
      for (int g : wanted) {
        gs.add(sysfs.group(g));
      }
      plan = PassthroughPlan.coldPlug(gs, settings.passthrough());
    } catch (PciSysfsException e) {
      throw new TaskException.FailedPrecondition(e.getMessage());
    }
    return plan;
  }

  /** After boot: learns where the guest sees the cold-plugged functions. */
  public void booted(VfioVm bootedVm) {
    this.vm = bootedVm;
    for (IommuGroup g : plan.groups()) {
      List<Attached> fns = new ArrayList<>();
      for (int i = 0; i < g.members().size(); i++) {
        String id = PassthroughPlan.deviceId(g.number(), i);
        fns.add(new Attached(g.members().get(i).address().toString(), id, bootedVm.guestPciPath(id)));
      }
      groups.put(g.number(), new Group(g.number(), true, fns, new HashSet<>()));
      LOG.info("IOMMU group {} cold-plugged at {}", g.number(), fns);
    }
  }

  @Override
  public List<Device> attach(String containerId, Spec spec) {
    Set<Integer> wanted = requests.explicitGroups(spec);
    if (wanted.isEmpty()) {
      return List.of();
    }
    if (!settings.enabled() || vm == null) {
      throw new TaskException.FailedPrecondition("container " + containerId + " asks for VFIO devices (IOMMU groups "
          + wanted + ") but passthrough is not enabled");
    }
    List<Device> out = new ArrayList<>();
    for (int g : wanted) {
      Group group = groups.get(g);
      if (group == null) {
        group = hotplug(containerId, g);
        groups.put(g, group);
      }
      group.users().add(containerId);
      out.add(agentDevice(group));
    }
    return out;
  }

  private Group hotplug(String containerId, int number) {
    IommuGroup g;
    try {
      g = sysfs.group(number);
    } catch (PciSysfsException e) {
      throw new TaskException.FailedPrecondition(e.getMessage());
    }
    Optional<String> why = g.notReadyReason();
    if (why.isPresent()) {
      throw new TaskException.FailedPrecondition("IOMMU group " + number + " of container " + containerId
          + " cannot be passed through: " + why.get());
    }
    List<Attached> fns = new ArrayList<>();
    try {
      for (int i = 0; i < g.members().size(); i++) {
        PciFunction f = g.members().get(i);
        String id = PassthroughPlan.deviceId(number, i);
        GuestPciPath path = vm.hotplug(new capsa.hypervisor.spec.Device.Vfio(id, f.address().toString(),
            Optional.of(new capsa.hypervisor.spec.Device.PciIds(f.vendor(), f.device()))));
        fns.add(new Attached(f.address().toString(), id, path));
      }
    } catch (HypervisorException e) {
      fns.forEach(a -> unplugQuietly(a.deviceId()));
      throw new TaskException.Unavailable("hot-plug of IOMMU group " + number + " for container " + containerId
          + " failed: " + e.getMessage(), e);
    }
    LOG.info("IOMMU group {} hot-plugged for container {} at {}", number, containerId, fns);
    return new Group(number, false, fns, new HashSet<>());
  }

  private Device agentDevice(Group g) {
    Device.Builder b = Device.newBuilder().setId(Integer.toString(g.number()))
        .setType(settings.guestKernelMode() ? "vfio-pci-gk" : "vfio-pci")
        .setContainerPath("/dev/vfio/" + g.number());
    g.functions().forEach(a -> b.addOptions(a.hostBdf() + "=" + a.path()));
    return b.build();
  }

  @Override
  public void detach(String containerId) {
    for (var it = groups.values().iterator(); it.hasNext(); ) {
      Group g = it.next();
      if (g.users().remove(containerId) && g.users().isEmpty() && !g.cold()) {
        // Reverse order: functions were plugged lowest first.
        for (int i = g.functions().size() - 1; i >= 0; i--) {
          unplugQuietly(g.functions().get(i).deviceId());
        }
        it.remove();
        LOG.info("IOMMU group {} unplugged with container {}", g.number(), containerId);
      }
    }
  }

  private void unplugQuietly(String deviceId) {
    try {
      vm.unplug(deviceId);
    } catch (RuntimeException e) {
      LOG.warn("unplug of {} failed: {}", deviceId, e.getMessage());
    }
  }
}
