package capsa.admin;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --config FILE}: read this file, as the containerd option ConfigPath would make the shim do. */
public final class ConfigOption {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "configuration file (default: the shim's lookup: $CAPSA_CONFIG, "
                    + "/etc/capsa/configuration.toml, built-in defaults)")
    Path file;

    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }
}
