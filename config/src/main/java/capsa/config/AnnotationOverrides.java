package capsa.config;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-pod overrides from the sandbox's annotations: {@code io.capsa.config.<section>.<key>} and Kata's
 * {@code io.katacontainers.config.<section>.<kata name>} (the Capsa name wins when both are given). An override is
 * accepted only if its key is overridable, its name matches a regular expression of the active hypervisor's
 * {@code enable_annotations} (hypervisor keys by name, others as {@code agent.<key>} / {@code runtime.<key>}), its
 * value parses, and a path value matches a glob of the key's {@code valid_*_paths}. Anything else fails the sandbox
 * with an {@link AnnotationRefusedException} naming the annotation. Kata annotations Capsa does not implement are
 * logged and ignored (a Kata pod spec should still run). Stateless.
 */
public final class AnnotationOverrides {

    public static final String CAPSA_PREFIX = "io.capsa.config.";
    public static final String KATA_PREFIX = "io.katacontainers.config.";

    private static final Logger log = LoggerFactory.getLogger(AnnotationOverrides.class);

    private AnnotationOverrides() {}

    /** The pod's configuration: annotation overrides, then the CRI sandbox sizing ({@link PodSizing}). */
    public static EffectiveConfig forPod(EffectiveConfig config, Map<String, String> annotations) {
        return PodSizing.apply(apply(config, annotations), annotations);
    }

    /**
     * The configuration with the pod's overrides applied.
     *
     * @throws AnnotationRefusedException for the first annotation that may not override
     */
    public static EffectiveConfig apply(EffectiveConfig config, Map<String, String> annotations) {
        EffectiveConfig out = config;
        // Kata aliases first, so that an io.capsa.config name for the same key wins.
        for (String prefix : List.of(KATA_PREFIX, CAPSA_PREFIX)) {
            for (Map.Entry<String, String> a : new TreeMap<>(annotations).entrySet()) {
                if (a.getKey().startsWith(prefix)) {
                    Optional<ConfigKey> key = resolve(config, a.getKey(), prefix);
                    if (key.isPresent()) {
                        out = out.with(accept(config, key.get(), a.getKey(), a.getValue()));
                    }
                }
            }
        }
        Section s = out.hypervisorSection();
        if (!((String) out.get(s, "initrd").value()).isEmpty() && !((String) out.get(s, "image").value()).isEmpty()) {
            String by = out.get(s, "image").source() instanceof Source.Annotation an ? an.name()
                    : ((Source.Annotation) out.get(s, "initrd").source()).name();
            throw new AnnotationRefusedException(by, "initrd and image would both be set; set one of them");
        }
        return out;
    }

    private static Optional<ConfigKey> resolve(EffectiveConfig config, String annotation, String prefix) {
        String rest = annotation.substring(prefix.length());
        int dot = rest.indexOf('.');
        String word = dot < 0 ? rest : rest.substring(0, dot);
        String name = dot < 0 ? "" : rest.substring(dot + 1);
        Optional<Section> section = switch (word) {
            case "hypervisor" -> Optional.of(config.hypervisorSection());
            case "agent" -> Optional.of(Section.AGENT);
            case "runtime" -> Optional.of(Section.RUNTIME);
            default -> Optional.empty();
        };
        Optional<ConfigKey> key = section.flatMap(s -> prefix.equals(CAPSA_PREFIX)
                ? ConfigKeys.find(s, name)
                : ConfigKeys.of(s).stream().filter(k -> k.kataName().filter(name::equals).isPresent()).findFirst());
        if (key.isEmpty()) {
            if (prefix.equals(CAPSA_PREFIX)) {
                throw new AnnotationRefusedException(annotation, "no such configuration key (see "
                        + "docs/configuration.md)");
            }
            log.warn("annotation {} is not implemented by Capsa; ignored", annotation);
        }
        return key;
    }

    private static ConfigValue accept(EffectiveConfig config, ConfigKey key, String annotation, String text) {
        if (!key.overridable()) {
            throw new AnnotationRefusedException(annotation, key.id() + " may only be set in the configuration file");
        }
        String matchName = key.section().isHypervisor() ? key.name() : key.section().annotationWord() + "."
                + key.name();
        if (!enabled(config.enableAnnotations(), matchName, key.kataName())) {
            throw new AnnotationRefusedException(annotation, "'" + matchName + "' is not in enable_annotations "
                    + config.enableAnnotations() + " of [" + config.hypervisorSection().table() + "] ("
                    + config.get(config.hypervisorSection(), "enable_annotations").source().describe() + ")");
        }
        Object value;
        try {
            value = key.parse(text);
        } catch (IllegalArgumentException e) {
            throw new AnnotationRefusedException(annotation, e.getMessage());
        }
        if (key.allowList().isPresent() && !((String) value).isEmpty()) {
            List<String> globs = config.validPaths(key.allowList().get());
            Path p = Path.of((String) value);
            boolean ok = globs.stream().anyMatch(g -> FileSystems.getDefault().getPathMatcher("glob:" + g).matches(p));
            if (!ok) {
                throw new AnnotationRefusedException(annotation, "path " + value + " does not match "
                        + key.allowList().get() + " " + globs);
            }
        }
        return new ConfigValue(key, value, new Source.Annotation(annotation));
    }

    private static boolean enabled(List<String> patterns, String name, Optional<String> kataName) {
        for (String p : patterns) {
            try {
                Pattern re = Pattern.compile(p);
                if (re.matcher(name).matches() || kataName.filter(k -> re.matcher(k).matches()).isPresent()) {
                    return true;
                }
            } catch (PatternSyntaxException e) {
                log.warn("enable_annotations entry '{}' is not a regular expression; skipped", p);
            }
        }
        return false;
    }
}
