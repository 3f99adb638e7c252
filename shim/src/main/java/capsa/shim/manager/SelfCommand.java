package capsa.shim.manager;

import java.nio.file.Path;
import java.util.List;

/**
 * How {@code start} runs this binary again as the daemon. The launcher passes its own path as the system property
 * {@value #LAUNCHER_PROPERTY}, so the daemon gets the same JVM choice and flags; without it (a test running the
 * classes directly) we run the current JVM with the current class path.
 */
public final class SelfCommand {

    public static final String LAUNCHER_PROPERTY = "capsa.shim.launcher";

    private SelfCommand() {}

    public static List<String> current() {
        String launcher = System.getProperty(LAUNCHER_PROPERTY, "");
        if (!launcher.isEmpty()) {
            return List.of(launcher);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-cp", System.getProperty("java.class.path"), "capsa.shim.ShimMain");
    }
}
