package capsa.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One key of {@code configuration.toml}: its type, default, range and whether (and under which names) a pod
 * annotation may override it. The catalogue is {@link ConfigKeys}; everything else (parsing, annotations, the
 * documentation) is driven by it.
 *
 * @param section the table it lives in
 * @param name the key in that table
 * @param kind its TOML type
 * @param defaultValue the built-in default ({@code Boolean}, {@code Long}, {@code String} or {@code List<String>})
 * @param doc one or two sentences for docs/configuration.md
 * @param min smallest integer accepted ({@link ValueKind#INT} only)
 * @param max largest integer accepted ({@link ValueKind#INT} only)
 * @param choices the accepted strings ({@link ValueKind#ENUM} only)
 * @param kataName the base name of the {@code io.katacontainers.config.<section>.} annotation alias, if Kata has one
 * @param overridable whether a pod annotation may set it at all
 * @param allowList for path keys that a pod may override: the {@code valid_*_paths} key of the same table whose
 *     globs the value must match
 */
public record ConfigKey(
        Section section,
        String name,
        ValueKind kind,
        Object defaultValue,
        String doc,
        long min,
        long max,
        List<String> choices,
        Optional<String> kataName,
        boolean overridable,
        Optional<String> allowList) {

    public ConfigKey {
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(defaultValue, "defaultValue");
        choices = List.copyOf(choices);
        Objects.requireNonNull(kataName, "kataName");
        Objects.requireNonNull(allowList, "allowList");
        if (kind == ValueKind.PATH && overridable && allowList.isEmpty()) {
            throw new IllegalArgumentException(id() + ": an overridable path needs a valid_*_paths list");
        }
    }

    /** {@code <table>.<name>}, e.g. {@code hypervisor.qemu.default_vcpus}. */
    public String id() {
        return section.table() + "." + name;
    }

    /** {@code io.capsa.config.<section word>.<name>}. */
    public String capsaAnnotation() {
        return AnnotationOverrides.CAPSA_PREFIX + section.annotationWord() + "." + name;
    }

    /** {@code io.katacontainers.config.<section word>.<kata name>}, if Kata has this annotation. */
    public Optional<String> kataAnnotation() {
        return kataName.map(k -> AnnotationOverrides.KATA_PREFIX + section.annotationWord() + "." + k);
    }

    /**
     * The value of a TOML node, checked against type and range.
     *
     * @throws IllegalArgumentException saying what was expected and what was found
     */
    public Object decode(JsonNode node) {
        switch (kind) {
            case BOOL -> {
                if (!node.isBoolean()) {
                    throw mismatch(node);
                }
                return node.booleanValue();
            }
            case INT -> {
                if (!node.isIntegralNumber() || !node.canConvertToLong()) {
                    throw mismatch(node);
                }
                return checkRange(node.longValue());
            }
            case STRING, PATH, ENUM -> {
                if (!node.isTextual()) {
                    throw mismatch(node);
                }
                return checkString(node.textValue());
            }
            case STRING_LIST -> {
                if (!node.isArray()) {
                    throw mismatch(node);
                }
                List<String> out = new ArrayList<>();
                for (JsonNode e : node) {
                    if (!e.isTextual()) {
                        throw mismatch(node);
                    }
                    out.add(e.textValue());
                }
                return List.copyOf(out);
            }
            default -> throw new AssertionError(kind);
        }
    }

    /**
     * The value of an annotation or environment string: {@code true}/{@code false}, a decimal integer, the string
     * itself, or a comma-separated list.
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public Object parse(String text) {
        switch (kind) {
            case BOOL -> {
                if (!text.equals("true") && !text.equals("false")) {
                    throw new IllegalArgumentException("expected true or false, got '" + text + "'");
                }
                return Boolean.parseBoolean(text);
            }
            case INT -> {
                try {
                    return checkRange(Long.parseLong(text.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("expected an integer, got '" + text + "'", e);
                }
            }
            case STRING, PATH, ENUM -> {
                return checkString(text);
            }
            case STRING_LIST -> {
                return text.isBlank() ? List.of() : Arrays.stream(text.split(",")).map(String::trim).toList();
            }
            default -> throw new AssertionError(kind);
        }
    }

    private long checkRange(long v) {
        if (v < min || v > max) {
            throw new IllegalArgumentException("expected an integer in [" + min + ", " + max + "], got " + v);
        }
        return v;
    }

    private String checkString(String s) {
        if (kind == ValueKind.ENUM && !choices.contains(s)) {
            throw new IllegalArgumentException("expected one of " + quoted(choices) + ", got \"" + s + "\"");
        }
        if (kind == ValueKind.PATH && !s.isEmpty() && !Path.of(s).isAbsolute()) {
            throw new IllegalArgumentException("expected an absolute path, got \"" + s + "\"");
        }
        return s;
    }

    private IllegalArgumentException mismatch(JsonNode node) {
        String expected = switch (kind) {
            case ENUM -> "one of " + quoted(choices);
            case INT -> "an integer in [" + min + ", " + max + "]";
            default -> "a " + kind.tomlType();
        };
        return new IllegalArgumentException("expected " + expected + ", got " + describe(node));
    }

    private static String describe(JsonNode node) {
        String type = switch (node.getNodeType()) {
            case BOOLEAN -> "a boolean";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a float";
            case STRING -> "a string";
            case ARRAY -> "an array";
            case OBJECT -> "a table";
            default -> "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
        return type + " (" + node + ")";
    }

    static String quoted(List<String> xs) {
        return xs.stream().map(x -> "\"" + x + "\"").collect(Collectors.joining(", "));
    }

    /** The value as a TOML literal ({@code "text"}, {@code 42}, {@code ["a", "b"]}). */
    public static String render(Object value) {
        if (value instanceof String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ConfigKey::render).collect(Collectors.joining(", ", "[", "]"));
        }
        return String.valueOf(value);
    }
}
