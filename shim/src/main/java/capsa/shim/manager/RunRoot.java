package capsa.shim.manager;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where shim daemons keep per-sandbox state ({@code <runRoot>/<group id>/}): the daemon creates it, {@code delete}
 * and {@code start} sweep what a dead daemon left there. Kept here, free of the Task service's classes, so that
 * the short-lived commands do not load them.
 *
 * <p>Only the environment is consulted, not a {@code run_root} in the configuration file: {@code delete} never
 * receives containerd's runtime options (where ConfigPath lives), and the configuration loader logs, which these
 * commands must not do (stdout is the protocol channel). A sandbox under a configured non-default root is not
 * swept by {@code delete}/{@code start}.
 */
public final class RunRoot {

    /** The default. */
    public static final Path DEFAULT = Path.of("/run/capsa/sandboxes");
    /** Environment variable overriding {@link #DEFAULT} (containerd passes its environment to every shim command). */
    public static final String ENV = "CAPSA_RUN_ROOT";

    private RunRoot() {}

    /** {@value #ENV} if set and not blank, else {@link #DEFAULT}; always absolute. */
    public static Path of(Map<String, String> env) {
        String value = env.get(ENV);
        return (value == null || value.isBlank() ? DEFAULT : Path.of(value)).toAbsolutePath();
    }
}
