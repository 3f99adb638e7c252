package capsa.shim.devices;

import capsa.hypervisor.pci.IommuGroup;
import capsa.hypervisor.pci.PciFunction;
import capsa.hypervisor.pci.PciSysfs;
import capsa.proto.oci.LinuxDevice;
import capsa.proto.oci.Spec;
import capsa.shim.sandbox.TaskException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads which IOMMU groups an OCI spec asks for: {@code linux.devices} entries {@code /dev/vfio/<group>}, CDI device
 * names in {@code cdi.k8s.io/*} annotations whose device nodes are {@code /dev/vfio/<group>}, and (for a sandbox)
 * {@link DeviceSettings#COUNT_ANNOTATION} free GPUs.
 */
public final class VfioRequests {

  static final String CDI_ANNOTATION_PREFIX = "cdi.k8s.io/";
  private static final Pattern GROUP_NODE = Pattern.compile("/dev/vfio/([0-9]+)");

  private final DeviceSettings settings;

  public VfioRequests(DeviceSettings settings) {
    this.settings = settings;
  }

  /**
   * Groups named by device nodes and CDI annotations, in order of appearance. With passthrough disabled CDI
   * annotations are not looked at: they may name devices for other runtimes, and a {@code /dev/vfio} node in the spec
   * is enough to refuse the pod.
   */
  public Set<Integer> explicitGroups(Spec spec) {
    Set<Integer> groups = new LinkedHashSet<>();
    if (spec.hasLinux()) {
      for (LinuxDevice d : spec.getLinux().getDevicesList()) {
        addNode(d.getPath(), groups);
      }
    }
    if (!settings.enabled()) {
      return groups;
    }
    List<String> cdiNames = new ArrayList<>();
    spec.getAnnotationsMap().entrySet().stream().filter(e -> e.getKey().startsWith(CDI_ANNOTATION_PREFIX))
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> {
          for (String n : e.getValue().split(",")) {
            if (!n.isBlank()) {
              cdiNames.add(n.trim());
            }
          }
        });
    if (!cdiNames.isEmpty()) {
      CdiRegistry cdi = CdiRegistry.load(settings.cdiDirs());
      for (String name : cdiNames) {
        for (String node : cdi.deviceNodes(name)) {
          addNode(node, groups);
        }
      }
    }
    return groups;
  }

  private static void addNode(String path, Set<Integer> groups) {
    if (path.startsWith("/dev/vfio/devices/")) {
      throw new TaskException.InvalidArgument("iommufd VFIO device " + path + " is not supported; give the "
          + "/dev/vfio/<group> node", null);
    }
    Matcher m = GROUP_NODE.matcher(path);
    if (m.matches()) {
      groups.add(Integer.parseInt(m.group(1)));
    }
  }

  /** How many GPUs {@link DeviceSettings#COUNT_ANNOTATION} asks for (0 when absent). */
  public int count(Spec spec) {
    String v = spec.getAnnotationsMap().get(DeviceSettings.COUNT_ANNOTATION);
    if (v == null) {
      return 0;
    }
    if (!settings.allowCountAnnotation()) {
      throw new TaskException.InvalidArgument("annotation " + DeviceSettings.COUNT_ANNOTATION
          + " is not allowed by this runtime's configuration", null);
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < 0 || n > 16) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new TaskException.InvalidArgument(DeviceSettings.COUNT_ANNOTATION + " must be 0-16, got '" + v + "'", e);
    }
  }

  /**
   * Picks {@code n} GPU groups that are wholly bound to vfio-pci and not in {@code taken}, lowest group first. Two
   * pods racing for the same group are settled by the VMM: a group's {@code /dev/vfio} node opens only once.
   */
  public static List<Integer> pickFree(PciSysfs sysfs, int n, Collection<Integer> taken) {
    Set<Integer> candidates = new TreeSet<>();
    for (PciFunction f : sysfs.all()) {
      if (f.isDisplay() && f.iommuGroup().isPresent() && !taken.contains(f.iommuGroup().getAsInt())) {
        candidates.add(f.iommuGroup().getAsInt());
      }
    }
    List<Integer> picked = new ArrayList<>();
    for (int g : candidates) {
      IommuGroup group = sysfs.group(g);
      if (picked.size() < n && group.notReadyReason().isEmpty()) {
        picked.add(g);
      }
    }
    if (picked.size() < n) {
      throw new TaskException.FailedPrecondition("the pod asks for " + n + " GPUs but only " + picked.size()
          + " are bound to vfio-pci and free on this host");
    }
    return picked;
  }
}
