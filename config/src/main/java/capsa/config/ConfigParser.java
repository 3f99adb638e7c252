package capsa.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one {@code configuration.toml} (Jackson's TOML module builds the tree; this class checks it against
 * {@link ConfigKeys}). Unknown sections and values of the wrong type or out of range are errors, collected into one
 * {@link InvalidConfigException}; unknown keys in a known section are warnings. Stateless.
 */
public final class ConfigParser {

    /** Keys containerd puts into config_body next to ours (the handler's own options); not ours to judge. */
    private static final Set<String> CONTAINERD_OPTION_KEYS = Set.of("TypeUrl", "ConfigPath");

    private final TomlMapper mapper;

    public ConfigParser(TomlMapper mapper) {
        this.mapper = mapper;
    }

    public ConfigParser() {
        this(new TomlMapper());
    }

    /**
     * The effective configuration: the file's values over the defaults.
     *
     * @param text the TOML document
     * @param source where it came from (named in every message)
     * @throws InvalidConfigException naming the file and each offending key
     */
    public EffectiveConfig parse(String text, Source source) {
        String file = source.describe();
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new InvalidConfigException(file, List.of("not valid TOML" + where + ": " + e.getOriginalMessage()),
                    e);
        }
        Map<String, ConfigValue> values = EffectiveConfig.defaultValues();
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (root != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = e.getKey();
                JsonNode node = e.getValue();
                if (source instanceof Source.Body && CONTAINERD_OPTION_KEYS.contains(name)) {
                    continue;
                }
                switch (name) {
                    case "hypervisor" -> hypervisors(node, source, values, problems, warnings);
                    case "agent" -> agent(node, source, values, problems, warnings);
                    case "runtime" -> table(Section.RUNTIME, node, source, values, problems, warnings);
                    default -> problems.add(node.isObject() ? "unknown section [" + name + "]"
                            : "unknown top-level key " + name + " (keys belong in [hypervisor.qemu], "
                                    + "[hypervisor.clh], [agent] or [runtime])");
                }
            }
        }
        crossChecks(values, problems);
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(file, problems, null);
        }
        return new EffectiveConfig(source, values, warnings.stream().map(w -> file + ": " + w).toList());
    }

    private void hypervisors(JsonNode node, Source source, Map<String, ConfigValue> values, List<String> problems,
            List<String> warnings) {
        if (!node.isObject()) {
            problems.add("hypervisor: expected a table such as [hypervisor.qemu]");
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Section.ofTable("hypervisor." + e.getKey()).ifPresentOrElse(
                    s -> table(s, e.getValue(), source, values, problems, warnings),
                    () -> problems.add("unknown section [hypervisor." + e.getKey()
                            + "] (Capsa knows [hypervisor.qemu] and [hypervisor.clh])"));
        }
    }

    /** {@code [agent]}, and Kata's spelling {@code [agent.kata]} for the same keys. */
    private void agent(JsonNode node, Source source, Map<String, ConfigValue> values, List<String> problems,
            List<String> warnings) {
        if (node.isObject() && node.get("kata") != null && node.get("kata").isObject()) {
            table(Section.AGENT, node.get("kata"), source, values, problems, warnings);
            Map<String, JsonNode> rest = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> rest.put(e.getKey(), e.getValue()));
            rest.remove("kata");
            table(Section.AGENT, mapper.valueToTree(rest), source, values, problems, warnings);
            return;
        }
        table(Section.AGENT, node, source, values, problems, warnings);
    }

    private static void table(Section section, JsonNode node, Source source, Map<String, ConfigValue> values,
            List<String> problems, List<String> warnings) {
        if (!node.isObject()) {
            problems.add(section.table() + ": expected a table [" + section.table() + "]");
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String where = "[" + section.table() + "] " + e.getKey();
            ConfigKeys.find(section, e.getKey()).ifPresentOrElse(key -> {
                try {
                    values.put(key.id(), new ConfigValue(key, key.decode(e.getValue()), source));
                } catch (IllegalArgumentException x) {
                    problems.add(where + ": " + x.getMessage());
                }
            }, () -> warnings.add(where + ": unknown key, ignored"));
        }
    }

    /** Rules between keys of one table. */
    private static void crossChecks(Map<String, ConfigValue> values, List<String> problems) {
        for (Section s : List.of(Section.HYPERVISOR_QEMU, Section.HYPERVISOR_CLH)) {
            String initrd = (String) values.get(ConfigKeys.require(s, "initrd").id()).value();
            String image = (String) values.get(ConfigKeys.require(s, "image").id()).value();
            if (!initrd.isEmpty() && !image.isEmpty()) {
                problems.add("[" + s.table() + "] initrd and image: set one of them, not both");
            }
        }
    }
}
