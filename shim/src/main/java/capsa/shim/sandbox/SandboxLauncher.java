package capsa.shim.sandbox;

import java.nio.file.Path;
import java.util.Map;

/** Boots the VM of a new sandbox, with {@code shareDir} exported as the {@code kataShared} 9p tag. */
@FunctionalInterface
public interface SandboxLauncher {

    /**
     * Blocking: returns once the agent answers.
     *
     * @throws TaskException.Unavailable when the VM or agent did not come up (nothing is left running)
     */
    SandboxVm launch(String sandboxId, Path shareDir);

    /**
     * Boots with the sandbox's own spec at hand, so devices it asks for can be cold-plugged. Launchers without
     * passthrough ignore the spec.
     */
    default SandboxVm launch(String sandboxId, Path shareDir, capsa.proto.oci.Spec sandboxSpec) {
        return launch(sandboxId, shareDir);
    }

    /**
     * The launcher for one pod, given its sandbox's annotations (per-pod configuration overrides, CRI sizing).
     *
     * @throws TaskException.InvalidArgument when the configuration or an annotation is refused (nothing started)
     */
    default SandboxLauncher forPod(Map<String, String> annotations) {
        return this;
    }
}
