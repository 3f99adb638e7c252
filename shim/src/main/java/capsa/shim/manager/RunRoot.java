package capsa.shim.manager;

import capsa.config.ConfigKeys;
import capsa.config.ConfigLoader;
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

    /** The configuration's default {@code run_root} (a compile-time constant: no configuration class is loaded). */
    public static final Path DEFAULT = Path.of(ConfigKeys.RUN_ROOT);
    /**
     * The variable the configuration loader also honours for {@code run_root} (containerd passes its environment to
     * every shim command).
     */
    public static final String ENV = ConfigLoader.RUN_ROOT_ENV;

    private RunRoot() {}

    /** {@value #ENV} if set and not blank, else {@link #DEFAULT}; always absolute. */
    public static Path of(Map<String, String> env) {
        String value = env.get(ENV);
        return (value == null || value.isBlank() ? DEFAULT : Path.of(value)).toAbsolutePath();
    }
}
