package capsa.e2e.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CRI plugin section of a private containerd's config: the sandbox (pause) image, the runtime handlers and
 * the CNI directories, with the settings this machine needs (dev-machine.md §3).
 *
 * @param sandboxImage the pause image reference; it must be imported into {@code k8s.io} (no registry is reachable)
 * @param runtimes the handlers; the first is containerd's default handler
 * @param bridge an optional CNI bridge network written into the conf dir, for pod-network pods
 */
public record CriPlugin(String sandboxImage, List<RuntimeHandler> runtimes, Optional<CniBridge> bridge) {

    public static final String PAUSE_IMAGE = "registry.k8s.io/pause:3.6";
    /** Relative to the containerd scratch dir; the CRI plugin watches it, so a conflist may also be added later. */
    public static final String CNI_CONF_DIR = "cni/net.d";

    public CriPlugin {
        runtimes = List.copyOf(runtimes);
        if (runtimes.isEmpty()) {
            throw new IllegalArgumentException("at least one runtime handler");
        }
        if (runtimes.stream().map(RuntimeHandler::name).distinct().count() != runtimes.size()) {
            throw new IllegalArgumentException("duplicate handler names: " + runtimes);
        }
    }

    /** Only the {@code runc} handler, host-network pods only (no CNI network). */
    public static CriPlugin runcOnly() {
        return new CriPlugin(PAUSE_IMAGE, List.of(RuntimeHandler.runc()), Optional.empty());
    }

    /** Adds a handler (runc stays the default). */
    public CriPlugin withRuntime(RuntimeHandler handler) {
        List<RuntimeHandler> all = new ArrayList<>(runtimes);
        all.add(handler);
        return new CriPlugin(sandboxImage, all, bridge);
    }

    public CriPlugin withBridge(CniBridge network) {
        return new CriPlugin(sandboxImage, runtimes, Optional.of(network));
    }

    String toml(String scratchDir) {
        // restrict_oom_score_adj: without CAP_SYS_RESOURCE (our machines) runc cannot set the sandbox's
        // oom_score_adj of -998 and RunPodSandbox fails with "can't get final child's PID from pipe: EOF".
        StringBuilder out = new StringBuilder();
        out.append("[plugins.\"io.containerd.grpc.v1.cri\"]\n");
        out.append("  sandbox_image = ").append(TomlStrings.quote(sandboxImage)).append('\n');
        out.append("  restrict_oom_score_adj = true\n");
        out.append("  [plugins.\"io.containerd.grpc.v1.cri\".cni]\n");
        out.append("    bin_dir = \"/usr/lib/cni\"\n");
        out.append("    conf_dir = ").append(TomlStrings.quote(scratchDir + "/" + CNI_CONF_DIR)).append('\n');
        out.append("  [plugins.\"io.containerd.grpc.v1.cri\".containerd]\n");
        out.append("    default_runtime_name = ").append(TomlStrings.quote(runtimes.get(0).name())).append('\n');
        for (RuntimeHandler handler : runtimes) {
            out.append(handler.toml());
        }
        return out.toString();
    }
}
