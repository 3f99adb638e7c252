package capsa.shim.spec;

import capsa.proto.oci.Box;
import capsa.proto.oci.Hook;
import capsa.proto.oci.Hooks;
import capsa.proto.oci.Linux;
import capsa.proto.oci.LinuxCPU;
import capsa.proto.oci.LinuxCapabilities;
import capsa.proto.oci.LinuxDevice;
import capsa.proto.oci.LinuxDeviceCgroup;
import capsa.proto.oci.LinuxHugepageLimit;
import capsa.proto.oci.LinuxIDMapping;
import capsa.proto.oci.LinuxMemory;
import capsa.proto.oci.LinuxNamespace;
import capsa.proto.oci.LinuxPids;
import capsa.proto.oci.LinuxResources;
import capsa.proto.oci.Mount;
import capsa.proto.oci.POSIXRlimit;
import capsa.proto.oci.Process;
import capsa.proto.oci.Root;
import capsa.proto.oci.Spec;
import capsa.proto.oci.User;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * OCI runtime-spec JSON → the agent's protobuf mirror ({@code oci.proto}). OCI fields the proto has no field for
 * are dropped, as in Kata; so is {@code linux.seccomp} (guest seccomp is off, Kata's default) and
 * {@code linux.intelRdt}. Unsigned JSON numbers above {@code Long.MAX_VALUE} (RLIM_INFINITY) keep their bits.
 */
public final class OciSpecReader {

    private final ObjectMapper mapper;

    public OciSpecReader(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Reads a bundle's {@code config.json}. */
    public Spec readSpec(Path configJson) {
        JsonNode n;
        try {
            n = mapper.readTree(configJson.toFile());
        } catch (IOException e) {
            throw new InvalidSpecException("cannot read OCI spec " + configJson + ": " + e.getMessage(), e);
        }
        return spec(object(n, "config.json"));
    }

    public Spec spec(String json) {
        return spec(parse(json, "OCI spec"));
    }

    /** The exec Process document ({@code types.containerd.io/opencontainers/runtime-spec/1/Process}). */
    public Process process(String json) {
        return process(parse(json, "OCI process"));
    }

    /** The Update document ({@code types.containerd.io/opencontainers/runtime-spec/1/LinuxResources}). */
    public LinuxResources resources(String json) {
        return resources(parse(json, "OCI resources"));
    }

    private JsonNode parse(String json, String what) {
        try {
            return object(mapper.readTree(json), what);
        } catch (JsonProcessingException e) {
            throw new InvalidSpecException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode object(JsonNode n, String what) {
        if (n == null || !n.isObject()) {
            throw new InvalidSpecException(what + " is not a JSON object");
        }
        return n;
    }

    Spec spec(JsonNode n) {
        Spec.Builder b = Spec.newBuilder().setVersion(n.path("ociVersion").asText(""));
        if (n.has("process")) {
            b.setProcess(process(n.get("process")));
        }
        if (n.has("root")) {
            b.setRoot(Root.newBuilder().setPath(n.get("root").path("path").asText(""))
                    .setReadonly(n.get("root").path("readonly").asBoolean(false)));
        }
        b.setHostname(n.path("hostname").asText(""));
        for (JsonNode m : n.path("mounts")) {
            b.addMounts(Mount.newBuilder()
                    .setDestination(m.path("destination").asText(""))
                    .setSource(m.path("source").asText(""))
                    .setType(m.path("type").asText(""))
                    .addAllOptions(strings(m.path("options"))));
        }
        if (n.has("hooks")) {
            b.setHooks(hooks(n.get("hooks")));
        }
        n.path("annotations").fields().forEachRemaining(e -> b.putAnnotations(e.getKey(), e.getValue().asText()));
        if (n.has("linux")) {
            b.setLinux(linux(n.get("linux")));
        }
        return b.build();
    }

    Process process(JsonNode n) {
        Process.Builder b = Process.newBuilder()
                .setTerminal(n.path("terminal").asBoolean(false))
                .addAllArgs(strings(n.path("args")))
                .addAllEnv(strings(n.path("env")))
                .setCwd(n.path("cwd").asText("/"))
                .setNoNewPrivileges(n.path("noNewPrivileges").asBoolean(false))
                .setApparmorProfile(n.path("apparmorProfile").asText(""))
                .setOOMScoreAdj(n.path("oomScoreAdj").asLong(0))
                .setSelinuxLabel(n.path("selinuxLabel").asText(""));
        if (n.has("consoleSize")) {
            b.setConsoleSize(Box.newBuilder()
                    .setHeight((int) n.get("consoleSize").path("height").asLong())
                    .setWidth((int) n.get("consoleSize").path("width").asLong()));
        }
        JsonNode u = n.path("user");
        User.Builder user = User.newBuilder()
                .setUID((int) u.path("uid").asLong())
                .setGID((int) u.path("gid").asLong())
                .setUsername(u.path("username").asText(""));
        u.path("additionalGids").forEach(g -> user.addAdditionalGids((int) g.asLong()));
        b.setUser(user);
        if (n.has("capabilities")) {
            JsonNode c = n.get("capabilities");
            b.setCapabilities(LinuxCapabilities.newBuilder()
                    .addAllBounding(strings(c.path("bounding")))
                    .addAllEffective(strings(c.path("effective")))
                    .addAllInheritable(strings(c.path("inheritable")))
                    .addAllPermitted(strings(c.path("permitted")))
                    .addAllAmbient(strings(c.path("ambient"))));
        }
        for (JsonNode r : n.path("rlimits")) {
            b.addRlimits(POSIXRlimit.newBuilder().setType(r.path("type").asText(""))
                    .setHard(unsigned(r.path("hard"))).setSoft(unsigned(r.path("soft"))));
        }
        return b.build();
    }

    private static Hooks hooks(JsonNode n) {
        Hooks.Builder b = Hooks.newBuilder();
        hookList(n.path("prestart"), b::addPrestart);
        hookList(n.path("poststart"), b::addPoststart);
        hookList(n.path("poststop"), b::addPoststop);
        hookList(n.path("createRuntime"), b::addCreateRuntime);
        hookList(n.path("createContainer"), b::addCreateContainer);
        hookList(n.path("startContainer"), b::addStartContainer);
        return b.build();
    }

    private static void hookList(JsonNode list, Consumer<Hook> add) {
        for (JsonNode h : list) {
            add.accept(Hook.newBuilder().setPath(h.path("path").asText(""))
                    .addAllArgs(strings(h.path("args"))).addAllEnv(strings(h.path("env")))
                    .setTimeout(h.path("timeout").asLong(0)).build());
        }
    }

    private Linux linux(JsonNode n) {
        Linux.Builder b = Linux.newBuilder();
        idMappings(n.path("uidMappings"), b::addUIDMappings);
        idMappings(n.path("gidMappings"), b::addGIDMappings);
        n.path("sysctl").fields().forEachRemaining(e -> b.putSysctl(e.getKey(), e.getValue().asText()));
        if (n.has("resources")) {
            b.setResources(resources(n.get("resources")));
        }
        b.setCgroupsPath(n.path("cgroupsPath").asText(""));
        for (JsonNode ns : n.path("namespaces")) {
            b.addNamespaces(LinuxNamespace.newBuilder().setType(ns.path("type").asText(""))
                    .setPath(ns.path("path").asText("")));
        }
        for (JsonNode d : n.path("devices")) {
            b.addDevices(LinuxDevice.newBuilder()
                    .setPath(d.path("path").asText(""))
                    .setType(d.path("type").asText(""))
                    .setMajor(d.path("major").asLong())
                    .setMinor(d.path("minor").asLong())
                    .setFileMode((int) d.path("fileMode").asLong())
                    .setUID((int) d.path("uid").asLong())
                    .setGID((int) d.path("gid").asLong()));
        }
        b.setRootfsPropagation(n.path("rootfsPropagation").asText(""));
        b.addAllMaskedPaths(strings(n.path("maskedPaths")));
        b.addAllReadonlyPaths(strings(n.path("readonlyPaths")));
        b.setMountLabel(n.path("mountLabel").asText(""));
        return b.build();
    }

    LinuxResources resources(JsonNode n) {
        LinuxResources.Builder b = LinuxResources.newBuilder();
        for (JsonNode d : n.path("devices")) {
            b.addDevices(LinuxDeviceCgroup.newBuilder()
                    .setAllow(d.path("allow").asBoolean(false))
                    .setType(d.path("type").asText(""))
                    .setMajor(d.path("major").asLong(-1))
                    .setMinor(d.path("minor").asLong(-1))
                    .setAccess(d.path("access").asText("")));
        }
        if (n.has("memory")) {
            JsonNode m = n.get("memory");
            b.setMemory(LinuxMemory.newBuilder()
                    .setLimit(m.path("limit").asLong())
                    .setReservation(m.path("reservation").asLong())
                    .setSwap(m.path("swap").asLong())
                    .setKernel(m.path("kernel").asLong())
                    .setKernelTCP(m.path("kernelTCP").asLong())
                    .setSwappiness(unsigned(m.path("swappiness")))
                    .setDisableOOMKiller(m.path("disableOOMKiller").asBoolean(false)));
        }
        if (n.has("cpu")) {
            JsonNode c = n.get("cpu");
            b.setCPU(LinuxCPU.newBuilder()
                    .setShares(unsigned(c.path("shares")))
                    .setQuota(c.path("quota").asLong())
                    .setPeriod(unsigned(c.path("period")))
                    .setRealtimeRuntime(c.path("realtimeRuntime").asLong())
                    .setRealtimePeriod(unsigned(c.path("realtimePeriod")))
                    .setCpus(c.path("cpus").asText(""))
                    .setMems(c.path("mems").asText("")));
        }
        if (n.has("pids")) {
            b.setPids(LinuxPids.newBuilder().setLimit(n.get("pids").path("limit").asLong()));
        }
        for (JsonNode h : n.path("hugepageLimits")) {
            b.addHugepageLimits(LinuxHugepageLimit.newBuilder()
                    .setPagesize(h.path("pageSize").asText("")).setLimit(unsigned(h.path("limit"))));
        }
        return b.build();
    }

    private static void idMappings(JsonNode list, Consumer<LinuxIDMapping> add) {
        for (JsonNode m : list) {
            add.accept(LinuxIDMapping.newBuilder()
                    .setContainerID((int) m.path("containerID").asLong())
                    .setHostID((int) m.path("hostID").asLong())
                    .setSize((int) m.path("size").asLong()).build());
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(s -> out.add(s.asText()));
        return out;
    }

    /** u64 JSON numbers: values above Long.MAX_VALUE keep their two's-complement bits, as protobuf's uint64 does. */
    private static long unsigned(JsonNode n) {
        if (n.isMissingNode() || n.isNull()) {
            return 0;
        }
        return n.isBigInteger() ? n.bigIntegerValue().longValue() : n.asLong();
    }
}
