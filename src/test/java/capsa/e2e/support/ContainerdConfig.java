package capsa.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a {@link PrivateContainerd} is started with: its config file (root, state and sockets always inside its scratch
 * dir) and the directories put in front of its PATH, where containerd looks up {@code containerd-shim-<name>-v2}.
 *
 * @param cri the CRI plugin settings; empty keeps the plugin's defaults (enough for ctr-only tests)
 * @param shimDirs directories prepended to containerd's PATH
 */
public record ContainerdConfig(Optional<CriPlugin> cri, List<Path> shimDirs) {

    /** Namespaces whose /run/containerd/runc/<ns> directories a private containerd may create. */
    static final List<String> NAMESPACES = List.of("default", "k8s.io");

    public ContainerdConfig {
        shimDirs = List.copyOf(shimDirs);
    }

    /** The config the ctr and ttrpc interop tests use: no CRI settings beyond what this machine needs. */
    public static ContainerdConfig plain() {
        return new ContainerdConfig(Optional.empty(), List.of());
    }

    /** A CRI-enabled config (sandbox image, handlers, CNI dirs). */
    public static ContainerdConfig withCri(CriPlugin cri) {
        return new ContainerdConfig(Optional.of(cri), List.of());
    }

    /** Puts {@code dir} first on containerd's PATH, so a shim binary in it is found by its runtime type. */
    public ContainerdConfig withShimDir(Path dir) {
        List<Path> dirs = new ArrayList<>(shimDirs);
        dirs.add(dir);
        return new ContainerdConfig(cri, dirs);
    }

    /** Writes config.toml (and the CNI conf dir) into {@code dir}; returns the config file. */
    Path writeInto(Path dir) {
        try {
            Path config = dir.resolve("config.toml");
            Files.writeString(config, toml(dir), StandardCharsets.UTF_8);
            if (cri.isPresent()) {
                Path confDir = Files.createDirectories(dir.resolve(CriPlugin.CNI_CONF_DIR));
                if (cri.get().bridge().isPresent()) {
                    CniBridge bridge = cri.get().bridge().get();
                    Files.writeString(confDir.resolve(bridge.fileName()), bridge.conflist(), StandardCharsets.UTF_8);
                }
            }
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the containerd config into " + dir, e);
        }
    }

    String toml(Path dir) {
        // Debug level makes containerd pass -debug to shims, as in production logs.
        String base = """
                version = 2
                root = %1$s
                state = %2$s
                [grpc]
                  address = %3$s
                [ttrpc]
                  address = %4$s
                [debug]
                  level = "debug"
                """.formatted(TomlStrings.quote(dir + "/root"), TomlStrings.quote(dir + "/state"),
                TomlStrings.quote(dir + "/c.sock"), TomlStrings.quote(dir + "/c.sock.ttrpc"));
        // Even without CRI settings the plugin loads, and it needs restrict_oom_score_adj here (see CriPlugin).
        String plugin = cri.map(c -> c.toml(dir.toString()))
                .orElse("[plugins.\"io.containerd.grpc.v1.cri\"]\n  restrict_oom_score_adj = true\n");
        return base + plugin;
    }

    /** Extra environment for the containerd process. */
    Map<String, String> environment() {
        if (shimDirs.isEmpty()) {
            return Map.of();
        }
        String inherited = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/sbin:/usr/bin:/sbin:/bin");
        return Map.of("PATH", shimDirs.stream().map(Path::toString).collect(Collectors.joining(":")) + ":" + inherited);
    }
}
