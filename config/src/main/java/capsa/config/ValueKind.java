package capsa.config;

/** The TOML type of a configuration key, as the documentation and error messages name it. */
public enum ValueKind {
    BOOL("boolean"),
    INT("integer"),
    STRING("string"),
    /** A string holding an absolute path, or empty for "not set". */
    PATH("path"),
    /** A string out of a fixed set. */
    ENUM("string"),
    STRING_LIST("array of strings");

    private final String tomlType;

    ValueKind(String tomlType) {
        this.tomlType = tomlType;
    }

    public String tomlType() {
        return tomlType;
    }
}
