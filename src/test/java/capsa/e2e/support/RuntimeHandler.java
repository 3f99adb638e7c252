package capsa.e2e.support;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One CRI runtime handler: a table under {@code [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.<name>]}
 * in containerd 1.6's config (version 2). A pod picks it by passing {@code name} as RunPodSandbox's
 * {@code runtime_handler}.
 *
 * @param name the handler name (a lowercase DNS label, as Kubernetes RuntimeClass requires)
 * @param runtimeType e.g. {@code io.containerd.runc.v2}; containerd runs {@code containerd-shim-<x>-v2} from its PATH
 * @param runtimePath an absolute shim binary to run instead of looking {@code runtimeType} up on the PATH
 * @param podAnnotations globs of pod annotations passed on to the shim in the OCI spec
 * @param configPath for non-runc runtime types: becomes {@code runtimeoptions.v1.Options.config_path} in Create
 */
public record RuntimeHandler(String name, String runtimeType, Optional<Path> runtimePath, List<String> podAnnotations,
        Optional<Path> configPath) {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final String CRI = "plugins.\"io.containerd.grpc.v1.cri\"";

    public RuntimeHandler {
        Objects.requireNonNull(runtimeType, "runtimeType");
        if (name == null || !DNS_LABEL.matcher(name).matches()) {
            throw new IllegalArgumentException("handler name must be a lowercase DNS label: " + name);
        }
        podAnnotations = List.copyOf(podAnnotations);
        runtimePath.ifPresent(RuntimeHandler::requireAbsolute);
        configPath.ifPresent(RuntimeHandler::requireAbsolute);
    }

    /** The stock runc handler, named {@code runc} (containerd's default handler name). */
    public static RuntimeHandler runc() {
        return of("runc", "io.containerd.runc.v2");
    }

    /** The Capsa handler as a shim test will configure it: {@code capsa} → {@code containerd-shim-capsa-v2}. */
    public static RuntimeHandler capsa() {
        return of("capsa", "io.containerd.capsa.v2").withPodAnnotations(List.of("io.katacontainers.*"));
    }

    public static RuntimeHandler of(String name, String runtimeType) {
        return new RuntimeHandler(name, runtimeType, Optional.empty(), List.of(), Optional.empty());
    }

    public RuntimeHandler withRuntimePath(Path binary) {
        return new RuntimeHandler(name, runtimeType, Optional.of(binary), podAnnotations, configPath);
    }

    public RuntimeHandler withPodAnnotations(List<String> globs) {
        return new RuntimeHandler(name, runtimeType, runtimePath, globs, configPath);
    }

    public RuntimeHandler withConfigPath(Path config) {
        return new RuntimeHandler(name, runtimeType, runtimePath, podAnnotations, Optional.of(config));
    }

    /** The handler's TOML tables. */
    String toml() {
        String table = CRI + ".containerd.runtimes." + name;
        StringBuilder out = new StringBuilder();
        out.append("  [").append(table).append("]\n");
        out.append("    runtime_type = ").append(TomlStrings.quote(runtimeType)).append('\n');
        runtimePath.ifPresent(p -> out.append("    runtime_path = ").append(TomlStrings.quote(p.toString())).append('\n'));
        if (!podAnnotations.isEmpty()) {
            out.append("    pod_annotations = [")
                    .append(podAnnotations.stream().map(TomlStrings::quote).collect(Collectors.joining(", ")))
                    .append("]\n");
        }
        configPath.ifPresent(p -> out.append("    [").append(table).append(".options]\n")
                .append("      ConfigPath = ").append(TomlStrings.quote(p.toString())).append('\n'));
        return out.toString();
    }

    private static void requireAbsolute(Path path) {
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException("containerd needs an absolute path: " + path);
        }
    }
}
