package capsa.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every key's effective value with its source, plus typed views for the shim and the CLI. Immutable: overrides
 * ({@link #with}) return a copy.
 */
public final class EffectiveConfig {

    private final Source origin;
    private final Map<String, ConfigValue> values; // by ConfigKey.id(), in catalogue order
    private final List<String> warnings;

    EffectiveConfig(Source origin, Map<String, ConfigValue> values, List<String> warnings) {
        this.origin = origin;
        this.values = Map.copyOf(values);
        this.warnings = List.copyOf(warnings);
    }

    /** Only the built-in defaults. */
    public static EffectiveConfig defaults() {
        return new EffectiveConfig(new Source.Default(), defaultValues(), List.of());
    }

    static Map<String, ConfigValue> defaultValues() {
        Map<String, ConfigValue> m = new LinkedHashMap<>();
        for (ConfigKey k : ConfigKeys.all()) {
            m.put(k.id(), new ConfigValue(k, k.defaultValue(), new Source.Default()));
        }
        return m;
    }

    /** The configuration file (or body) the values were read from; {@link Source.Default} when none. */
    public Source origin() {
        return origin;
    }

    /** What the parser warned about (unknown keys). */
    public List<String> warnings() {
        return warnings;
    }

    /** Every value in catalogue order. */
    public List<ConfigValue> values() {
        return ConfigKeys.all().stream().map(k -> values.get(k.id())).toList();
    }

    public ConfigValue get(Section section, String name) {
        return values.get(ConfigKeys.require(section, name).id());
    }

    /** A copy with {@code value} replacing its key's value. */
    public EffectiveConfig with(ConfigValue value) {
        Map<String, ConfigValue> m = new LinkedHashMap<>(values);
        m.put(value.key().id(), value);
        return new EffectiveConfig(origin, m, warnings);
    }

    public HypervisorKind hypervisorKind() {
        return TomlEnum.parse(HypervisorKind.class, string(Section.RUNTIME, "hypervisor"));
    }

    /** The table of the active hypervisor. */
    public Section hypervisorSection() {
        return Section.of(hypervisorKind());
    }

    public HypervisorSettings hypervisor() {
        Section s = hypervisorSection();
        int vcpus = integer(s, "default_vcpus");
        int memory = integer(s, "default_memory");
        return new HypervisorSettings(hypervisorKind(), Path.of(string(s, "path")), path(s, "kernel"),
                path(s, "initrd"), path(s, "image"), path(s, "guest_manifest"),
                TomlEnum.parse(MachineKind.class, string(s, "machine_type")),
                Arrays.stream(string(s, "kernel_params").trim().split("\\s+")).filter(p -> !p.isEmpty()).toList(),
                vcpus, Math.max(vcpus, integer(s, "default_maxvcpus")), memory,
                Math.max(memory, integer(s, "default_maxmemory")),
                TomlEnum.parse(SharedFsKind.class, string(s, "shared_fs")), Path.of(string(s, "virtio_fs_daemon")),
                bool(s, "enable_debug"), bool(s, "disable_vhost_net"),
                TomlEnum.parse(VfioPort.class, string(s, "cold_plug_vfio")),
                TomlEnum.parse(VfioPort.class, string(s, "hot_plug_vfio")), integer(s, "pcie_root_port"),
                integer(s, "pcie_switch_port"));
    }

    public AgentSettings agent() {
        Section a = Section.AGENT;
        return new AgentSettings(TomlEnum.parse(AgentChannel.class, string(a, "channel")),
                Duration.ofSeconds(integer(a, "dial_timeout")), bool(a, "enable_debug"));
    }

    public RuntimeSettings runtime() {
        Section r = Section.RUNTIME;
        return new RuntimeSettings(hypervisorKind(), bool(r, "enable_debug"),
                TomlEnum.parse(InternetworkingModel.class, string(r, "internetworking_model")),
                TomlEnum.parse(VfioMode.class, string(r, "vfio_mode")),
                Duration.ofSeconds(integer(r, "create_container_timeout")),
                bool(r, "static_sandbox_resource_mgmt"), Path.of(string(r, "run_root")));
    }

    /** Shortcut for the networking code. */
    public InternetworkingModel internetworkingModel() {
        return runtime().internetworkingModel();
    }

    /** The allow-list of annotation names of the active hypervisor. */
    public List<String> enableAnnotations() {
        return list(hypervisorSection(), "enable_annotations");
    }

    /** The globs of a {@code valid_*_paths} key of the active hypervisor. */
    public List<String> validPaths(String allowListKey) {
        return list(hypervisorSection(), allowListKey);
    }

    private String string(Section s, String name) {
        return (String) get(s, name).value();
    }

    private Optional<Path> path(Section s, String name) {
        String v = string(s, name);
        return v.isEmpty() ? Optional.empty() : Optional.of(Path.of(v));
    }

    private int integer(Section s, String name) {
        return Math.toIntExact((Long) get(s, name).value());
    }

    private boolean bool(Section s, String name) {
        return (Boolean) get(s, name).value();
    }

    @SuppressWarnings("unchecked")
    private List<String> list(Section s, String name) {
        return (List<String>) get(s, name).value();
    }
}
