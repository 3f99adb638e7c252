package capsa.shim.sandbox;

import java.nio.file.Path;
import java.util.Optional;

/** Boots the VM of a new sandbox, with {@code shareDir} exported as the {@code kataShared} 9p tag. */
@FunctionalInterface
public interface SandboxLauncher {

    /**
     * Blocking: returns once the agent answers and the guest has the pod network (before CreateSandbox).
     *
     * @param netns the pod's network namespace from the spec, whose interfaces become the VM's NICs; empty = none
     * @throws TaskException.Unavailable when the VM or agent did not come up (nothing is left running)
     */
    SandboxVm launch(String sandboxId, Path shareDir, Optional<Path> netns);
}
