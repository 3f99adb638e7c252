package capsa.admin;

import capsa.config.ConfigLoader;
import capsa.config.ConfigParser;
import capsa.config.EffectiveConfig;
import capsa.config.RuntimeOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What the commands see of the world, passed in so tests can aim them at scratch directories.
 *
 * @param env the environment (CAPSA_CONFIG, CAPSA_RUN_ROOT ... as the shim would see them)
 * @param systemConfig the node file ({@code /etc/capsa/configuration.toml})
 * @param hostRoot where {@code /dev}, {@code /sys} and {@code /proc} are looked up ({@code /} for real)
 * @param out standard output
 * @param err standard error
 * @param clock for uptimes
 * @param kvmUsable whether QEMU (this binary) can really run KVM vCPUs
 * @param commands runs {@code --version} style commands
 */
public record CliContext(
        Map<String, String> env,
        Path systemConfig,
        Path hostRoot,
        PrintWriter out,
        PrintWriter err,
        Clock clock,
        Predicate<Path> kvmUsable,
        CommandRunner commands) {

    /** The effective configuration, as a shim started with {@code ConfigPath = configFile} would see it. */
    public EffectiveConfig loadConfig(Optional<Path> configFile) {
        RuntimeOptions options = configFile.map(p -> new RuntimeOptions(Optional.of(p.toString()), Optional.empty()))
                .orElse(RuntimeOptions.none());
        return new ConfigLoader(new ConfigParser(), systemConfig).load(options, env);
    }

    /** A host path below {@link #hostRoot}. */
    public Path host(String absolute) {
        return hostRoot.resolve(absolute.substring(1));
    }
}
