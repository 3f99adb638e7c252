package capsa.shim.sandbox;

import capsa.shim.agent.GuestAgent;
import capsa.shim.devices.ContainerDevices;
import java.util.concurrent.CompletableFuture;

/** A booted VM whose agent answers. */
public interface SandboxVm extends AutoCloseable {

    GuestAgent agent();

    /** The VMM's host pid: what containerd sees as the task pid (as with Kata). */
    int pid();

    /** The guest kernel's release ({@code uname -r} in the guest), for logs and tests. */
    String guestKernelRelease();

    /** The VFIO devices of this VM's containers; none unless the launcher set up passthrough. */
    default ContainerDevices devices() {
        return ContainerDevices.NONE;
    }

    /** Completes when the VMM process is gone, for whatever reason. */
    CompletableFuture<Void> exited();

    /** Stops the VM (and the agent connection); idempotent. */
    void stop();

    /** Stops the VM and removes its directory (after the share in it was removed); idempotent. */
    @Override
    void close();
}
