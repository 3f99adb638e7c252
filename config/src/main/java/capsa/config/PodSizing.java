package capsa.config;

import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sizes the VM from the CRI sandbox annotations when {@code static_sandbox_resource_mgmt} is on, as Kata does: the
 * pod's CPU limit ({@code ceil(quota / period)}) is added to {@code default_vcpus} and its memory limit (bytes,
 * rounded up to MiB) to {@code default_memory}, capped at the keys' maxima. Stateless.
 */
public final class PodSizing {

    public static final String CPU_QUOTA = "io.kubernetes.cri.sandbox-cpu-quota";
    public static final String CPU_PERIOD = "io.kubernetes.cri.sandbox-cpu-period";
    public static final String MEMORY = "io.kubernetes.cri.sandbox-memory";

    private static final Logger log = LoggerFactory.getLogger(PodSizing.class);
    private static final long MIB = 1024 * 1024;

    private PodSizing() {}

    public static EffectiveConfig apply(EffectiveConfig config, Map<String, String> annotations) {
        if (!config.runtime().staticSandboxResourceMgmt()) {
            return config;
        }
        Section s = config.hypervisorSection();
        EffectiveConfig out = config;
        Optional<Long> quota = number(annotations, CPU_QUOTA);
        Optional<Long> period = number(annotations, CPU_PERIOD);
        if (quota.isPresent() && period.isPresent() && quota.get() > 0 && period.get() > 0) {
            long extra = (quota.get() + period.get() - 1) / period.get();
            out = add(out, ConfigKeys.require(s, "default_vcpus"), extra, CPU_QUOTA);
        }
        Optional<Long> bytes = number(annotations, MEMORY);
        if (bytes.isPresent() && bytes.get() > 0) {
            out = add(out, ConfigKeys.require(s, "default_memory"), (bytes.get() + MIB - 1) / MIB, MEMORY);
        }
        return out;
    }

    private static EffectiveConfig add(EffectiveConfig config, ConfigKey key, long extra, String annotation) {
        long base = (Long) config.get(key.section(), key.name()).value();
        long sized = Math.min(key.max(), base + extra);
        return config.with(new ConfigValue(key, sized, new Source.Annotation(annotation)));
    }

    private static Optional<Long> number(Map<String, String> annotations, String name) {
        String v = annotations.get(name);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            log.warn("annotation {}={} is not a number; the VM keeps its default size", name, v);
            return Optional.empty();
        }
    }
}
