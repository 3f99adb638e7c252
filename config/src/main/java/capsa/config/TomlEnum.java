package capsa.config;

import java.util.Arrays;
import java.util.List;

/** A Java enum whose constants have a spelling in {@code configuration.toml}. */
public interface TomlEnum {

    /** The value as written in the file, e.g. {@code virtio-fs}. */
    String tomlName();

    /** The constant spelled {@code name} (the key's validation already guaranteed one exists). */
    static <E extends Enum<E> & TomlEnum> E parse(Class<E> type, String name) {
        for (E e : type.getEnumConstants()) {
            if (e.tomlName().equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not one of " + names(type));
    }

    static <E extends Enum<E> & TomlEnum> List<String> names(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(TomlEnum::tomlName).toList();
    }
}
