package capsa.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and reads the configuration, first match wins: containerd's {@code ConfigPath} option (or its
 * {@code config_body}), then {@code $CAPSA_CONFIG}, then {@code /etc/capsa/configuration.toml}, then the built-in
 * defaults. A file named explicitly (option or variable) must exist. Afterwards the variables the tests and scripts
 * use are laid over it: {@code CAPSA_GUEST_MANIFEST} sets the active hypervisor's {@code guest_manifest},
 * {@code CAPSA_RUN_ROOT} sets {@code [runtime] run_root}, {@code CAPSA_AGENT_TIMEOUT_SECONDS} sets
 * {@code [agent] dial_timeout}. Unknown keys are logged as warnings.
 */
public final class ConfigLoader {

    public static final String CONFIG_ENV = "CAPSA_CONFIG";
    public static final String GUEST_MANIFEST_ENV = "CAPSA_GUEST_MANIFEST";
    public static final String RUN_ROOT_ENV = "CAPSA_RUN_ROOT";
    /** Tests shorten the agent wait with it (seconds); sets {@code [agent] dial_timeout}. */
    public static final String AGENT_TIMEOUT_ENV = "CAPSA_AGENT_TIMEOUT_SECONDS";
    public static final Path SYSTEM_CONFIG = Path.of("/etc/capsa/configuration.toml");

    private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);

    private final ConfigParser parser;
    private final Path systemConfig;

    /** @param systemConfig the node-wide file ({@link #SYSTEM_CONFIG}; tests pass a scratch path) */
    public ConfigLoader(ConfigParser parser, Path systemConfig) {
        this.parser = parser;
        this.systemConfig = systemConfig;
    }

    public ConfigLoader() {
        this(new ConfigParser(), SYSTEM_CONFIG);
    }

    /**
     * The effective configuration for a shim.
     *
     * @throws InvalidConfigException naming the file and the offending keys
     */
    public EffectiveConfig load(RuntimeOptions options, Map<String, String> env) {
        EffectiveConfig config = read(options, env);
        config.warnings().forEach(log::warn);
        return overlayEnv(config, env);
    }

    private EffectiveConfig read(RuntimeOptions options, Map<String, String> env) {
        if (options.configPath().isPresent()) {
            return readFile(Path.of(options.configPath().get()), "the runtime option ConfigPath");
        }
        if (options.configBody().isPresent()) {
            return parser.parse(options.configBody().get(), new Source.Body());
        }
        Optional<String> fromEnv = Optional.ofNullable(env.get(CONFIG_ENV)).filter(s -> !s.isEmpty());
        if (fromEnv.isPresent()) {
            return readFile(Path.of(fromEnv.get()), CONFIG_ENV);
        }
        if (Files.exists(systemConfig)) {
            return readFile(systemConfig, "the node configuration");
        }
        return EffectiveConfig.defaults();
    }

    private EffectiveConfig readFile(Path file, String namedBy) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidConfigException(file.toString(),
                    List.of("cannot read the file named by " + namedBy + ": " + e), e);
        }
        return parser.parse(text, new Source.File(file));
    }

    private static EffectiveConfig overlayEnv(EffectiveConfig config, Map<String, String> env) {
        EffectiveConfig c = overlay(config, env, GUEST_MANIFEST_ENV, config.hypervisorSection(), "guest_manifest");
        c = overlay(c, env, AGENT_TIMEOUT_ENV, Section.AGENT, "dial_timeout");
        return overlay(c, env, RUN_ROOT_ENV, Section.RUNTIME, "run_root");
    }

    private static EffectiveConfig overlay(EffectiveConfig config, Map<String, String> env, String variable,
            Section section, String name) {
        String v = env.get(variable);
        if (v == null || v.isEmpty()) {
            return config;
        }
        ConfigKey key = ConfigKeys.require(section, name);
        try {
            return config.with(new ConfigValue(key, key.parse(v), new Source.Env(variable)));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("env " + variable, List.of(key.id() + ": " + e.getMessage()), e);
        }
    }
}
