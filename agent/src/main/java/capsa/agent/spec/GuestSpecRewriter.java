package capsa.agent.spec;

import capsa.agent.AgentException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The guest-side changes that turn a host spec into one runc can run in the VM:
 *
 * <ul>
 *   <li>{@code root.path}: empty → {@code <shared>/<cid>/rootfs}; relative → under {@code <shared>/<cid>}; must be an
 *       existing directory (else InvalidArgument naming the path);
 *   <li>hooks dropped (they name host binaries);
 *   <li>namespaces: {@code network} dropped (containers share the VM's network), paths cleared; {@code pid} joins the
 *       sandbox pid namespace when one exists, else a new one; {@code mount} always; {@code cgroup} added when asked
 *       so the container sees its own {@code /sys/fs/cgroup};
 *   <li>{@code cgroupsPath} = {@code <cgroupParent>/<cid>} so the agent knows where to read stats and OOM events.
 * </ul>
 */
public final class GuestSpecRewriter {
  private final Path sharedContainers;
  private final String cgroupParent;
  private final boolean cgroupNamespace;

  public GuestSpecRewriter(Path sharedContainers, String cgroupParent, boolean cgroupNamespace) {
    this.sharedContainers = sharedContainers;
    this.cgroupParent = cgroupParent.endsWith("/") ? cgroupParent.substring(0, cgroupParent.length() - 1) : cgroupParent;
    this.cgroupNamespace = cgroupNamespace;
  }

  /** The cgroup path (relative to the cgroup root, with a leading slash) a container gets. */
  public String cgroupsPath(String containerId) {
    return cgroupParent + "/" + containerId;
  }

  /**
   * Rewrites {@code spec} in place.
   *
   * @param sandboxPidNs {@code /proc/<pid>/ns/pid} of the sandbox pid namespace holder, when containers share one
   */
  public void rewrite(String containerId, ObjectNode spec, Optional<Path> sandboxPidNs) {
    if (!spec.path("process").isObject()) {
      throw new AgentException.InvalidArgument("spec of container " + containerId + " has no process");
    }
    ObjectNode root = spec.has("root") ? (ObjectNode) spec.get("root") : spec.putObject("root");
    Path rootfs = rootfsPath(containerId, root.path("path").asText(""));
    if (!Files.isDirectory(rootfs)) {
      throw new AgentException.InvalidArgument("container rootfs " + rootfs + " does not exist");
    }
    root.put("path", rootfs.toString());
    spec.remove("hooks");

    ObjectNode linux = spec.has("linux") ? (ObjectNode) spec.get("linux") : spec.putObject("linux");
    Set<String> types = new LinkedHashSet<>();
    for (JsonNode ns : linux.path("namespaces")) {
      types.add(ns.path("type").asText());
    }
    types.remove("network");
    types.remove("time");
    types.add("mount");
    types.add("pid");
    if (cgroupNamespace) {
      types.add("cgroup");
    } else {
      types.remove("cgroup");
    }
    ArrayNode namespaces = linux.putArray("namespaces");
    for (String type : types) {
      ObjectNode ns = namespaces.addObject().put("type", type);
      if (type.equals("pid") && sandboxPidNs.isPresent()) {
        ns.put("path", sandboxPidNs.get().toString());
      }
    }
    linux.put("cgroupsPath", cgroupsPath(containerId));
    linux.remove("seccomp");
  }

  private Path rootfsPath(String containerId, String path) {
    Path containerDir = sharedContainers.resolve(containerId);
    if (path.isEmpty()) {
      return containerDir.resolve("rootfs");
    }
    Path p = Path.of(path);
    return p.isAbsolute() ? p : containerDir.resolve(p);
  }
}
