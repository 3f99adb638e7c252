package capsa.agent.device;

import capsa.agent.AgentException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes CreateContainer's devices ready before the container is created, and edits its spec:
 *
 * <ul>
 *   <li>{@code vfio-pci-gk}: wait for each function at its guest PCI path; drop the host's {@code /dev/vfio/<group>}
 *       node from {@code linux.devices} (the guest driver, not VFIO, serves the device here);
 *   <li>{@code vfio-pci}: the same wait, then bind every function to the guest's vfio-pci, check they share one guest
 *       IOMMU group, and replace the host node with {@code /dev/vfio/<guest group>} (plus {@code /dev/vfio/vfio});
 *   <li>both: {@code PCIDEVICE_*} environment values naming host BDFs are rewritten to the guest BDFs, as device
 *       plugins put host addresses there.
 * </ul>
 */
public final class DeviceService {

  public static final String VFIO_GUEST_KERNEL = "vfio-pci-gk";
  public static final String VFIO = "vfio-pci";

  private static final Logger LOG = LoggerFactory.getLogger(DeviceService.class);

  private final Path sysfs;
  private final PciDeviceWaiter waiter;

  /**
   * @param sysfs {@code /sys} (a fake tree in tests)
   * @param timeout how long one function may take to appear
   */
  public DeviceService(Path sysfs, Duration timeout) {
    this.sysfs = sysfs;
    this.waiter = new PciDeviceWaiter(sysfs, timeout);
  }

  /**
   * Waits for and prepares {@code devices}, editing {@code spec}; returns host BDF → guest BDF in request order.
   *
   * @throws AgentException NotFound when a function does not appear in time, InvalidArgument for malformed devices,
   *     FailedPrecondition for unusable groups, Internal for sysfs failures
   */
  public Map<String, String> attach(String containerId, List<DeviceRequest> devices, ObjectNode spec) {
    try {
      return attachAll(containerId, devices, spec);
    } catch (IOException e) {
      throw new AgentException.Internal("container " + containerId + ": preparing its devices failed", e);
    }
  }

  private Map<String, String> attachAll(String containerId, List<DeviceRequest> devices, ObjectNode spec)
      throws IOException {
    Map<String, String> hostToGuest = new LinkedHashMap<>();
    for (DeviceRequest d : devices) {
      boolean vfioMode;
      if (d.type().equals(VFIO_GUEST_KERNEL)) {
        vfioMode = false;
      } else if (d.type().equals(VFIO)) {
        vfioMode = true;
      } else {
        throw new AgentException.InvalidArgument("container " + containerId + ": unsupported device type \""
            + d.type() + "\" (this agent handles " + VFIO_GUEST_KERNEL + " and " + VFIO + ")");
      }
      if (d.options().isEmpty()) {
        throw new AgentException.InvalidArgument("container " + containerId + ": VFIO device " + d.id()
            + " has no \"<host BDF>=<guest PCI path>\" options");
      }
      List<Path> functions = new ArrayList<>();
      for (String o : d.options()) {
        VfioOption opt = VfioOption.parse(o);
        Path dir = waiter.await(opt.guestPath());
        functions.add(dir);
        hostToGuest.put(opt.hostBdf(), dir.getFileName().toString());
      }
      removeDeviceNode(spec, d.containerPath());
      if (vfioMode) {
        int group = bindToVfio(containerId, functions);
        addCharDevice(spec, "/dev/vfio/" + group, sysfs.resolve("class/vfio").resolve(Integer.toString(group))
            .resolve("dev"));
        if (!hasDevice(spec, "/dev/vfio/vfio")) {
          addCharDevice(spec, "/dev/vfio/vfio", sysfs.resolve("class/misc/vfio/dev"));
        }
      }
      LOG.info("container {}: {} device {} ready at {}", containerId, d.type(), d.id(), functions.stream()
          .map(p -> p.getFileName().toString()).toList());
    }
    rewriteEnv(spec, hostToGuest);
    return hostToGuest;
  }

  private int bindToVfio(String containerId, List<Path> functions) throws IOException {
    Integer group = null;
    for (Path dir : functions) {
      String bdf = dir.getFileName().toString();
      write(dir.resolve("driver_override"), VFIO);
      Path driver = dir.resolve("driver");
      if (Files.exists(driver) && !linkName(driver).equals(VFIO)) {
        write(driver.resolve("unbind"), bdf);
      }
      if (!Files.exists(driver)) {
        write(sysfs.resolve("bus/pci/drivers_probe"), bdf);
      }
      Path g = dir.resolve("iommu_group");
      if (!Files.exists(g)) {
        throw new AgentException.FailedPrecondition("container " + containerId + ": guest function " + bdf
            + " has no IOMMU group (vfio-pci mode needs a guest IOMMU; use " + VFIO_GUEST_KERNEL + ")");
      }
      int n = Integer.parseInt(linkName(g));
      if (group != null && group != n) {
        throw new AgentException.FailedPrecondition("container " + containerId + ": functions of one VFIO device "
            + "landed in different guest IOMMU groups (" + group + " and " + n + ")");
      }
      group = n;
    }
    return group;
  }

  private static void rewriteEnv(ObjectNode spec, Map<String, String> hostToGuest) {
    JsonNode env = spec.path("process").path("env");
    if (hostToGuest.isEmpty() || !env.isArray()) {
      return;
    }
    ArrayNode arr = (ArrayNode) env;
    for (int i = 0; i < arr.size(); i++) {
      String e = arr.get(i).asText();
      int eq = e.indexOf('=');
      if (!e.startsWith("PCIDEVICE_") || eq < 0) {
        continue;
      }
      List<String> out = new ArrayList<>();
      for (String v : e.substring(eq + 1).split(",")) {
        out.add(hostToGuest.getOrDefault(v.trim().toLowerCase(java.util.Locale.ROOT), v));
      }
      arr.set(i, e.substring(0, eq + 1) + String.join(",", out));
    }
  }

  private static void removeDeviceNode(ObjectNode spec, String path) {
    JsonNode devs = spec.path("linux").path("devices");
    if (path.isEmpty() || !devs.isArray()) {
      return;
    }
    ArrayNode arr = (ArrayNode) devs;
    for (int i = arr.size() - 1; i >= 0; i--) {
      if (arr.get(i).path("path").asText().equals(path)) {
        arr.remove(i);
      }
    }
  }

  private static boolean hasDevice(ObjectNode spec, String path) {
    for (JsonNode d : spec.path("linux").path("devices")) {
      if (d.path("path").asText().equals(path)) {
        return true;
      }
    }
    return false;
  }

  /** Adds a char device runc creates in the container; its numbers come from sysfs {@code dev} ("major:minor"). */
  private static void addCharDevice(ObjectNode spec, String path, Path devAttr) throws IOException {
    String[] mm = Files.readString(devAttr, StandardCharsets.US_ASCII).trim().split(":");
    ObjectNode linux = spec.has("linux") ? (ObjectNode) spec.get("linux") : spec.putObject("linux");
    ArrayNode devs = linux.has("devices") ? (ArrayNode) linux.get("devices") : linux.putArray("devices");
    devs.addObject().put("path", path).put("type", "c").put("major", Long.parseLong(mm[0]))
        .put("minor", Long.parseLong(mm[1])).put("fileMode", 0666).put("uid", 0).put("gid", 0);
  }

  private static String linkName(Path link) throws IOException {
    return Optional.ofNullable(Files.readSymbolicLink(link).getFileName()).map(Path::toString).orElse("");
  }

  private static void write(Path attr, String value) throws IOException {
    Files.writeString(attr, value, StandardCharsets.US_ASCII, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
  }
}
