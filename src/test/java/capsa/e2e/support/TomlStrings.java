package capsa.e2e.support;

/** TOML basic strings for the few values our containerd configs carry (paths, names, globs). */
final class TomlStrings {

    private TomlStrings() {}

    static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        throw new IllegalArgumentException("control character in TOML value: " + value);
                    }
                    out.append(c);
                }
            }
        }
        return out.append('"').toString();
    }
}
