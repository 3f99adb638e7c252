package capsa.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The catalogue of every key Capsa reads from {@code configuration.toml}, in documentation order. Immutable; the
 * hypervisor keys exist once per hypervisor table ({@code [hypervisor.qemu]}, {@code [hypervisor.clh]}).
 */
public final class ConfigKeys {

    public static final String QEMU_PATH = "/usr/bin/qemu-system-x86_64";
    public static final String CLH_PATH = "/usr/local/bin/cloud-hypervisor";
    public static final String VIRTIOFSD_PATH = "/usr/libexec/virtiofsd";
    public static final String RUN_ROOT = "/run/capsa/sandboxes";
    /** The default VM size; deploy/runtimeclass.yaml's pod overhead matches it. */
    public static final long DEFAULT_VCPUS = 1;
    public static final long DEFAULT_MEMORY_MIB = 512;
    private static final long MAX_MEMORY_MIB = 1024L * 1024;

    private static final List<ConfigKey> ALL = build();

    private ConfigKeys() {}

    /** Every key, in the order of the documentation. */
    public static List<ConfigKey> all() {
        return ALL;
    }

    public static Optional<ConfigKey> find(Section section, String name) {
        return ALL.stream().filter(k -> k.section() == section && k.name().equals(name)).findFirst();
    }

    /** The key, which must exist (typed accessors ask only for keys of this catalogue). */
    public static ConfigKey require(Section section, String name) {
        return find(section, name).orElseThrow(() -> new IllegalArgumentException("no key " + section.table()
                + "." + name));
    }

    public static List<ConfigKey> of(Section section) {
        return ALL.stream().filter(k -> k.section() == section).toList();
    }

    private static List<ConfigKey> build() {
        List<ConfigKey> keys = new ArrayList<>();
        hypervisor(keys, Section.HYPERVISOR_QEMU, QEMU_PATH);
        hypervisor(keys, Section.HYPERVISOR_CLH, CLH_PATH);
        Section a = Section.AGENT;
        keys.add(new Def(a, "channel", ValueKind.ENUM, AgentChannel.VIRTIO_SERIAL.tomlName(),
                "The agent transport: `virtio-serial` works everywhere (TCG too); `vsock` needs /dev/vhost-vsock.")
                .choices(TomlEnum.names(AgentChannel.class)).overridable().key());
        keys.add(new Def(a, "dial_timeout", ValueKind.INT, 180L,
                "Seconds the VM boot plus the agent start may take before sandbox creation fails (generous: TCG). "
                        + "Env: `CAPSA_AGENT_TIMEOUT_SECONDS`.")
                .range(1, 3600).overridable().key());
        keys.add(new Def(a, "enable_debug", ValueKind.BOOL, false, "Start the agent with debug logging.")
                .overridable().key());
        Section r = Section.RUNTIME;
        keys.add(new Def(r, "hypervisor", ValueKind.ENUM, HypervisorKind.QEMU.tomlName(),
                "Which `[hypervisor.*]` table is used for sandboxes.")
                .choices(TomlEnum.names(HypervisorKind.class)).key());
        keys.add(new Def(r, "enable_debug", ValueKind.BOOL, false, "Log the shim at debug level.").key());
        keys.add(new Def(r, "internetworking_model", ValueKind.ENUM, InternetworkingModel.TCFILTER.tomlName(),
                "How the pod's network namespace reaches the VM: `tcfilter` (a TAP mirrored to the veth with tc) "
                        + "or `none` (no NIC).")
                .choices(TomlEnum.names(InternetworkingModel.class)).kata("internetworking_model").overridable()
                .key());
        keys.add(new Def(r, "vfio_mode", ValueKind.ENUM, VfioMode.GUEST_KERNEL.tomlName(),
                "`guest-kernel`: the guest kernel drives passed-through devices; `vfio`: they are exposed to the "
                        + "container as VFIO devices.")
                .choices(TomlEnum.names(VfioMode.class)).kata("vfio_mode").overridable().key());
        keys.add(new Def(r, "create_container_timeout", ValueKind.INT, 60L,
                "Seconds each agent request (create, start, exec ...) may take.")
                .range(1, 3600).kata("create_container_timeout").overridable().key());
        keys.add(new Def(r, "static_sandbox_resource_mgmt", ValueKind.BOOL, true,
                "Size the VM at boot from the CRI `io.kubernetes.cri.sandbox-cpu-*` / `sandbox-memory` "
                        + "annotations (added to `default_vcpus` / `default_memory`).").key());
        keys.add(new Def(r, "run_root", ValueKind.PATH, RUN_ROOT,
                "Per-sandbox state (VM sockets, console log, share); `capsa ps` reads it. Env: `CAPSA_RUN_ROOT`.")
                .key());
        return List.copyOf(keys);
    }

    private static void hypervisor(List<ConfigKey> keys, Section s, String path) {
        keys.add(new Def(s, "path", ValueKind.PATH, path, "The VMM binary.")
                .kata("path").overridable("valid_hypervisor_paths").key());
        keys.add(new Def(s, "kernel", ValueKind.PATH, "",
                "Guest kernel; empty: the `kernel` of the guest manifest.")
                .kata("kernel").overridable("valid_guest_asset_paths").key());
        keys.add(new Def(s, "initrd", ValueKind.PATH, "",
                "Guest initramfs; empty: the `initramfs` of the guest manifest. Exclusive with `image`.")
                .kata("initrd").overridable("valid_guest_asset_paths").key());
        keys.add(new Def(s, "image", ValueKind.PATH, "",
                "Guest root disk image (read-only virtio-blk) instead of an initramfs. Exclusive with `initrd`.")
                .kata("image").overridable("valid_guest_asset_paths").key());
        keys.add(new Def(s, "guest_manifest", ValueKind.PATH, "",
                "The guest image's manifest.properties (kernel, initramfs, checksums); empty: the one of the "
                        + "build tree or the installation. Env: `CAPSA_GUEST_MANIFEST`.")
                .overridable("valid_guest_asset_paths").key());
        keys.add(new Def(s, "machine_type", ValueKind.ENUM, MachineKind.MICROVM.tomlName(),
                "`microvm` boots fastest (no PCI); `q35` has PCIe root ports for hotplug and VFIO.")
                .choices(TomlEnum.names(MachineKind.class)).kata("machine_type").overridable().key());
        keys.add(new Def(s, "kernel_params", ValueKind.STRING, "",
                "Extra guest kernel parameters, space-separated, added after Capsa's own.")
                .kata("kernel_params").overridable().key());
        keys.add(new Def(s, "default_vcpus", ValueKind.INT, DEFAULT_VCPUS, "vCPUs at boot.")
                .range(1, 255).kata("default_vcpus").overridable().key());
        keys.add(new Def(s, "default_maxvcpus", ValueKind.INT, 0L,
                "Upper bound for vCPU hotplug; 0: the boot vCPUs.")
                .range(0, 255).kata("default_max_vcpus").overridable().key());
        keys.add(new Def(s, "default_memory", ValueKind.INT, DEFAULT_MEMORY_MIB, "Guest RAM at boot, MiB.")
                .range(64, MAX_MEMORY_MIB).kata("default_memory").overridable().key());
        keys.add(new Def(s, "default_maxmemory", ValueKind.INT, 0L,
                "Upper bound for memory hotplug, MiB; 0: the boot memory.")
                .range(0, MAX_MEMORY_MIB).overridable().key());
        keys.add(new Def(s, "shared_fs", ValueKind.ENUM, SharedFsKind.VIRTIO_9P.tomlName(),
                "How container filesystems reach the guest: `virtio-9p` (works under TCG) or `virtio-fs` "
                        + "(needs virtiofsd and a KVM host).")
                .choices(TomlEnum.names(SharedFsKind.class)).kata("shared_fs").overridable().key());
        keys.add(new Def(s, "virtio_fs_daemon", ValueKind.PATH, VIRTIOFSD_PATH, "The virtiofsd binary.")
                .kata("virtio_fs_daemon").overridable("valid_virtio_fs_daemon_paths").key());
        keys.add(new Def(s, "enable_debug", ValueKind.BOOL, false, "Keep the VMM's own log at debug level.")
                .overridable().key());
        keys.add(new Def(s, "disable_vhost_net", ValueKind.BOOL, false,
                "Do not use /dev/vhost-net for the VM's NICs (slower; for hosts without it).")
                .kata("disable_vhost_net").overridable().key());
        List<String> ports = TomlEnum.names(VfioPort.class);
        keys.add(new Def(s, "cold_plug_vfio", ValueKind.ENUM, VfioPort.NO_PORT.tomlName(),
                "Attach the pod's VFIO devices at boot on this port kind (`no-port`: no cold plug).")
                .choices(ports).kata("cold_plug_vfio").overridable().key());
        keys.add(new Def(s, "hot_plug_vfio", ValueKind.ENUM, VfioPort.NO_PORT.tomlName(),
                "Hot-plug VFIO devices of later containers on this port kind (`no-port`: no hot plug).")
                .choices(ports).kata("hot_plug_vfio").overridable().key());
        keys.add(new Def(s, "pcie_root_port", ValueKind.INT, 0L,
                "PCIe root ports created at boot (q35 only); each VFIO device needs one.")
                .range(0, 16).kata("pcie_root_port").overridable().key());
        keys.add(new Def(s, "pcie_switch_port", ValueKind.INT, 0L,
                "PCIe switch downstream ports created at boot (q35 only).")
                .range(0, 16).kata("pcie_switch_port").overridable().key());
        keys.add(new Def(s, "enable_annotations", ValueKind.STRING_LIST, List.of("kernel_params"),
                "Regular expressions: which keys pods may override by annotation. Hypervisor keys are matched by "
                        + "name (`default_vcpus`), agent and runtime keys as `agent.<key>` / `runtime.<key>`.")
                .key());
        keys.add(new Def(s, "valid_hypervisor_paths", ValueKind.STRING_LIST, List.of(path),
                "Globs a `path` annotation must match.").key());
        keys.add(new Def(s, "valid_virtio_fs_daemon_paths", ValueKind.STRING_LIST, List.of(VIRTIOFSD_PATH),
                "Globs a `virtio_fs_daemon` annotation must match.").key());
        keys.add(new Def(s, "valid_guest_asset_paths", ValueKind.STRING_LIST,
                List.of("/opt/capsa/share/guest/*", "/usr/share/capsa/guest/*"),
                "Globs a `kernel`, `initrd`, `image` or `guest_manifest` annotation must match.").key());
    }

    /** Builder for one key, to keep the catalogue readable. */
    private static final class Def {
        private final Section section;
        private final String name;
        private final ValueKind kind;
        private final Object defaultValue;
        private final String doc;
        private long min = Long.MIN_VALUE;
        private long max = Long.MAX_VALUE;
        private List<String> choices = List.of();
        private Optional<String> kataName = Optional.empty();
        private boolean overridable;
        private Optional<String> allowList = Optional.empty();

        Def(Section section, String name, ValueKind kind, Object defaultValue, String doc) {
            this.section = section;
            this.name = name;
            this.kind = kind;
            this.defaultValue = defaultValue;
            this.doc = doc;
        }

        Def range(long lo, long hi) {
            min = lo;
            max = hi;
            return this;
        }

        Def choices(List<String> c) {
            choices = c;
            return this;
        }

        Def kata(String n) {
            kataName = Optional.of(n);
            return this;
        }

        Def overridable() {
            overridable = true;
            return this;
        }

        Def overridable(String allowListKey) {
            overridable = true;
            allowList = Optional.of(allowListKey);
            return this;
        }

        ConfigKey key() {
            return new ConfigKey(section, name, kind, defaultValue, doc, min, max, choices, kataName, overridable,
                    allowList);
        }
    }
}
