package capsa.shim.sandbox;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Boots the VM of a new sandbox, with {@code shareDir} exported as the {@code kataShared} 9p tag. */
@FunctionalInterface
public interface SandboxLauncher {

    /**
     * Blocking: returns once the agent answers (and the guest has the pod network, before CreateSandbox).
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
     * As above, and the pod's network namespace (from the spec), whose interfaces become the VM's NICs; the guest
     * has them before CreateSandbox. Launchers without networking (test doubles) ignore it.
     */
    default SandboxVm launch(String sandboxId, Path shareDir, capsa.proto.oci.Spec sandboxSpec, Optional<Path> netns) {
        return launch(sandboxId, shareDir, sandboxSpec);
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
