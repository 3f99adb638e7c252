package capsa.shim.manager;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * This build's version and revision, from {@code capsa/shim/version.properties} (filled in by Maven resource
 * filtering).
 */
public record ShimVersion(String version, String revision) {

    public static ShimVersion load() {
        Properties p = new Properties();
        try (InputStream in = ShimVersion.class.getResourceAsStream("/capsa/shim/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // fall through to "unknown"
        }
        return new ShimVersion(p.getProperty("version", "unknown"), p.getProperty("revision", "unknown"));
    }

    /** What {@code -v} prints: binary name, version, revision and the Java runtime, one per line. */
    public String humanReadable() {
        return "containerd-shim-capsa-v2:\n"
                + "  Version:  " + version + "\n"
                + "  Revision: " + revision + "\n"
                + "  Java version: " + System.getProperty("java.version") + "\n";
    }
}
