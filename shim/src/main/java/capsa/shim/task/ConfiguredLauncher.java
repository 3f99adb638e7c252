package capsa.shim.task;

import capsa.config.AnnotationOverrides;
import capsa.config.ConfigException;
import capsa.config.EffectiveConfig;
import capsa.shim.sandbox.SandboxLauncher;
import capsa.shim.sandbox.SandboxVm;
import capsa.shim.sandbox.TaskException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Per pod: the node configuration plus the pod's annotations ({@link AnnotationOverrides#forPod}) decide the
 * launcher. A bad configuration file or a refused annotation fails the sandbox's Create with InvalidArgument and
 * the message naming the file/key or the annotation; nothing is started.
 */
final class ConfiguredLauncher implements SandboxLauncher {

    private final Supplier<EffectiveConfig> base;
    private final Function<EffectiveConfig, SandboxLauncher> launchers;

    /**
     * @param base the node configuration (may throw {@link ConfigException})
     * @param launchers the launcher for a pod's effective configuration
     */
    ConfiguredLauncher(Supplier<EffectiveConfig> base, Function<EffectiveConfig, SandboxLauncher> launchers) {
        this.base = base;
        this.launchers = launchers;
    }

    @Override
    public SandboxLauncher forPod(Map<String, String> annotations) {
        EffectiveConfig config;
        try {
            config = AnnotationOverrides.forPod(base.get(), annotations);
        } catch (ConfigException e) {
            throw new TaskException.InvalidArgument(e.getMessage(), e);
        }
        return launchers.apply(config);
    }

    @Override
    public SandboxVm launch(String sandboxId, Path shareDir) {
        return forPod(Map.of()).launch(sandboxId, shareDir);
    }

    @Override
    public SandboxVm launch(String sandboxId, Path shareDir, capsa.proto.oci.Spec sandboxSpec) {
        return forPod(sandboxSpec.getAnnotationsMap()).launch(sandboxId, shareDir, sandboxSpec);
    }

    @Override
    public SandboxVm launch(String sandboxId, Path shareDir, capsa.proto.oci.Spec sandboxSpec, Optional<Path> netns) {
        return forPod(sandboxSpec.getAnnotationsMap()).launch(sandboxId, shareDir, sandboxSpec, netns);
    }
}
