package capsa.agent.spec;

import capsa.proto.oci.Hook;
import capsa.proto.oci.Hooks;
import capsa.proto.oci.Linux;
import capsa.proto.oci.LinuxCPU;
import capsa.proto.oci.LinuxDevice;
import capsa.proto.oci.LinuxDeviceCgroup;
import capsa.proto.oci.LinuxIDMapping;
import capsa.proto.oci.LinuxMemory;
import capsa.proto.oci.LinuxNamespace;
import capsa.proto.oci.LinuxResources;
import capsa.proto.oci.Mount;
import capsa.proto.oci.POSIXRlimit;
import capsa.proto.oci.Process;
import capsa.proto.oci.Spec;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The OCI spec as the agent API carries it (protobuf, Kata's capitalised field names) → the OCI runtime-spec JSON
 * runc reads ({@code config.json}, camel-case names). A straight field map: proto3 zero values are left out, as the
 * runtime-spec's {@code omitempty} would. Guest-side changes are {@link GuestSpecRewriter}'s job.
 */
public final class OciJson {
  private final Supplier<ObjectMapper> mappers;

  public OciJson(ObjectMapper mapper) {
    this(LazyMapper.of(mapper));
  }

  /** @param mappers the mapper, fetched at each conversion (it may be made on first use) */
  public OciJson(Supplier<ObjectMapper> mappers) {
    this.mappers = mappers;
  }

  public ObjectNode spec(Spec spec) {
    ObjectNode n = mappers.get().createObjectNode();
    n.put("ociVersion", spec.getVersion().isEmpty() ? "1.0.2" : spec.getVersion());
    if (spec.hasProcess()) {
      n.set("process", process(spec.getProcess()));
    }
    if (spec.hasRoot()) {
      ObjectNode root = n.putObject("root");
      root.put("path", spec.getRoot().getPath());
      if (spec.getRoot().getReadonly()) {
        root.put("readonly", true);
      }
    }
    putIfSet(n, "hostname", spec.getHostname());
    ArrayNode mounts = n.putArray("mounts");
    for (Mount m : spec.getMountsList()) {
      ObjectNode mn = mounts.addObject();
      mn.put("destination", m.getDestination());
      putIfSet(mn, "type", m.getType());
      putIfSet(mn, "source", m.getSource());
      strings(mn, "options", m.getOptionsList());
    }
    if (spec.hasHooks()) {
      n.set("hooks", hooks(spec.getHooks()));
    }
    if (!spec.getAnnotationsMap().isEmpty()) {
      ObjectNode a = n.putObject("annotations");
      spec.getAnnotationsMap().forEach(a::put);
    }
    if (spec.hasLinux()) {
      n.set("linux", linux(spec.getLinux()));
    }
    return n;
  }

  public ObjectNode process(Process p) {
    ObjectNode n = mappers.get().createObjectNode();
    if (p.getTerminal()) {
      n.put("terminal", true);
    }
    if (p.hasConsoleSize() && (p.getConsoleSize().getHeight() > 0 || p.getConsoleSize().getWidth() > 0)) {
      ObjectNode box = n.putObject("consoleSize");
      box.put("height", Integer.toUnsignedLong(p.getConsoleSize().getHeight()));
      box.put("width", Integer.toUnsignedLong(p.getConsoleSize().getWidth()));
    }
    ObjectNode user = n.putObject("user");
    user.put("uid", Integer.toUnsignedLong(p.getUser().getUID()));
    user.put("gid", Integer.toUnsignedLong(p.getUser().getGID()));
    if (p.getUser().getAdditionalGidsCount() > 0) {
      ArrayNode gids = user.putArray("additionalGids");
      p.getUser().getAdditionalGidsList().forEach(g -> gids.add(Integer.toUnsignedLong(g)));
    }
    putIfSet(user, "username", p.getUser().getUsername());
    strings(n, "args", p.getArgsList());
    strings(n, "env", p.getEnvList());
    n.put("cwd", p.getCwd().isEmpty() ? "/" : p.getCwd());
    if (p.hasCapabilities()) {
      ObjectNode caps = n.putObject("capabilities");
      strings(caps, "bounding", p.getCapabilities().getBoundingList());
      strings(caps, "effective", p.getCapabilities().getEffectiveList());
      strings(caps, "inheritable", p.getCapabilities().getInheritableList());
      strings(caps, "permitted", p.getCapabilities().getPermittedList());
      strings(caps, "ambient", p.getCapabilities().getAmbientList());
    }
    if (p.getRlimitsCount() > 0) {
      ArrayNode rl = n.putArray("rlimits");
      for (POSIXRlimit r : p.getRlimitsList()) {
        ObjectNode rn = rl.addObject();
        rn.put("type", r.getType());
        rn.put("hard", unsigned(r.getHard()));
        rn.put("soft", unsigned(r.getSoft()));
      }
    }
    if (p.getNoNewPrivileges()) {
      n.put("noNewPrivileges", true);
    }
    putIfSet(n, "apparmorProfile", p.getApparmorProfile());
    if (p.getOOMScoreAdj() != 0) {
      n.put("oomScoreAdj", p.getOOMScoreAdj());
    }
    putIfSet(n, "selinuxLabel", p.getSelinuxLabel());
    return n;
  }

  private ObjectNode hooks(Hooks h) {
    ObjectNode n = mappers.get().createObjectNode();
    hookList(n, "prestart", h.getPrestartList());
    hookList(n, "poststart", h.getPoststartList());
    hookList(n, "poststop", h.getPoststopList());
    hookList(n, "createRuntime", h.getCreateRuntimeList());
    hookList(n, "createContainer", h.getCreateContainerList());
    hookList(n, "startContainer", h.getStartContainerList());
    return n;
  }

  private void hookList(ObjectNode parent, String name, List<Hook> hooks) {
    if (hooks.isEmpty()) {
      return;
    }
    ArrayNode a = parent.putArray(name);
    for (Hook h : hooks) {
      ObjectNode hn = a.addObject();
      hn.put("path", h.getPath());
      strings(hn, "args", h.getArgsList());
      strings(hn, "env", h.getEnvList());
      if (h.getTimeout() != 0) {
        hn.put("timeout", h.getTimeout());
      }
    }
  }

  private ObjectNode linux(Linux l) {
    ObjectNode n = mappers.get().createObjectNode();
    idMappings(n, "uidMappings", l.getUIDMappingsList());
    idMappings(n, "gidMappings", l.getGIDMappingsList());
    if (!l.getSysctlMap().isEmpty()) {
      ObjectNode s = n.putObject("sysctl");
      for (Map.Entry<String, String> e : l.getSysctlMap().entrySet()) {
        s.put(e.getKey(), e.getValue());
      }
    }
    if (l.hasResources()) {
      n.set("resources", resources(l.getResources()));
    }
    putIfSet(n, "cgroupsPath", l.getCgroupsPath());
    ArrayNode ns = n.putArray("namespaces");
    for (LinuxNamespace x : l.getNamespacesList()) {
      ObjectNode nn = ns.addObject();
      nn.put("type", x.getType());
      putIfSet(nn, "path", x.getPath());
    }
    if (l.getDevicesCount() > 0) {
      ArrayNode d = n.putArray("devices");
      for (LinuxDevice dev : l.getDevicesList()) {
        ObjectNode dn = d.addObject();
        dn.put("path", dev.getPath());
        dn.put("type", dev.getType());
        dn.put("major", dev.getMajor());
        dn.put("minor", dev.getMinor());
        if (dev.getFileMode() != 0) {
          dn.put("fileMode", Integer.toUnsignedLong(dev.getFileMode()));
        }
        dn.put("uid", Integer.toUnsignedLong(dev.getUID()));
        dn.put("gid", Integer.toUnsignedLong(dev.getGID()));
      }
    }
    putIfSet(n, "rootfsPropagation", l.getRootfsPropagation());
    strings(n, "maskedPaths", l.getMaskedPathsList());
    strings(n, "readonlyPaths", l.getReadonlyPathsList());
    putIfSet(n, "mountLabel", l.getMountLabel());
    return n;
  }

  /** {@code linux.resources}; also the body of {@code runc update --resources}. */
  public ObjectNode resources(LinuxResources r) {
    ObjectNode n = mappers.get().createObjectNode();
    if (r.getDevicesCount() > 0) {
      ArrayNode d = n.putArray("devices");
      for (LinuxDeviceCgroup dc : r.getDevicesList()) {
        ObjectNode dn = d.addObject();
        dn.put("allow", dc.getAllow());
        putIfSet(dn, "type", dc.getType());
        if (dc.getMajor() != 0 || dc.getMinor() != 0) {
          dn.put("major", dc.getMajor());
          dn.put("minor", dc.getMinor());
        }
        putIfSet(dn, "access", dc.getAccess());
      }
    }
    if (r.hasMemory()) {
      LinuxMemory m = r.getMemory();
      ObjectNode mn = n.putObject("memory");
      putNonZero(mn, "limit", m.getLimit());
      putNonZero(mn, "reservation", m.getReservation());
      putNonZero(mn, "swap", m.getSwap());
      if (m.getSwappiness() != 0) {
        mn.put("swappiness", unsigned(m.getSwappiness()));
      }
      if (m.getDisableOOMKiller()) {
        mn.put("disableOOMKiller", true);
      }
    }
    if (r.hasCPU()) {
      LinuxCPU c = r.getCPU();
      ObjectNode cn = n.putObject("cpu");
      if (c.getShares() != 0) {
        cn.put("shares", unsigned(c.getShares()));
      }
      putNonZero(cn, "quota", c.getQuota());
      if (c.getPeriod() != 0) {
        cn.put("period", unsigned(c.getPeriod()));
      }
      putNonZero(cn, "realtimeRuntime", c.getRealtimeRuntime());
      if (c.getRealtimePeriod() != 0) {
        cn.put("realtimePeriod", unsigned(c.getRealtimePeriod()));
      }
      putIfSet(cn, "cpus", c.getCpus());
      putIfSet(cn, "mems", c.getMems());
    }
    if (r.hasPids() && r.getPids().getLimit() != 0) {
      n.putObject("pids").put("limit", r.getPids().getLimit());
    }
    if (r.getHugepageLimitsCount() > 0) {
      ArrayNode h = n.putArray("hugepageLimits");
      r.getHugepageLimitsList()
          .forEach(x -> h.addObject().put("pageSize", x.getPagesize()).put("limit", unsigned(x.getLimit())));
    }
    return n;
  }

  private void idMappings(ObjectNode parent, String name, List<LinuxIDMapping> maps) {
    if (maps.isEmpty()) {
      return;
    }
    ArrayNode a = parent.putArray(name);
    for (LinuxIDMapping m : maps) {
      a.addObject()
          .put("containerID", Integer.toUnsignedLong(m.getContainerID()))
          .put("hostID", Integer.toUnsignedLong(m.getHostID()))
          .put("size", Integer.toUnsignedLong(m.getSize()));
    }
  }

  /** OCI rlimits and limits are u64; values above Long.MAX_VALUE (RLIM_INFINITY) stay exact as BigInteger. */
  private static java.math.BigInteger unsigned(long v) {
    return new java.math.BigInteger(Long.toUnsignedString(v));
  }

  private static void putIfSet(ObjectNode n, String name, String value) {
    if (value != null && !value.isEmpty()) {
      n.put(name, value);
    }
  }

  private static void putNonZero(ObjectNode n, String name, long value) {
    if (value != 0) {
      n.put(name, value);
    }
  }

  private static void strings(ObjectNode n, String name, List<String> values) {
    if (!values.isEmpty()) {
      ArrayNode a = n.putArray(name);
      values.forEach(a::add);
    }
  }
}
