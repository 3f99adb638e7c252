package capsa.config;

import java.util.Objects;

/** One effective value and where it came from. */
public record ConfigValue(ConfigKey key, Object value, Source source) {

    public ConfigValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(source, "source");
    }

    /** The value as a TOML literal. */
    public String rendered() {
        return ConfigKey.render(value);
    }
}
