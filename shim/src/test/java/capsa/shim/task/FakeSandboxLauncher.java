package capsa.shim.task;

import capsa.shim.agent.GuestAgent;
import capsa.shim.sandbox.SandboxLauncher;
import capsa.shim.sandbox.SandboxVm;
import capsa.shim.sandbox.TaskException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** A stand-in for the hypervisor: "boots" a VM whose agent is a {@link FakeAgent}; can fail boot or kill the VM. */
final class FakeSandboxLauncher implements SandboxLauncher {

    static final int VM_PID = 4242;

    final FakeAgent agent = new FakeAgent();
    final AtomicInteger launches = new AtomicInteger();
    final AtomicInteger stops = new AtomicInteger();
    final CompletableFuture<Void> exited = new CompletableFuture<>();
    volatile boolean agentUnreachable;
    volatile Path sharedDir;

    @Override
    public SandboxVm launch(String sandboxId, Path shareDir) {
        launches.incrementAndGet();
        if (agentUnreachable) {
            throw new TaskException.Unavailable("agent of " + sandboxId + " unreachable: dial timed out", null);
        }
        sharedDir = shareDir;
        return new SandboxVm() {
            @Override
            public GuestAgent agent() {
                return agent;
            }

            @Override
            public int pid() {
                return VM_PID;
            }

            @Override
            public String guestKernelRelease() {
                return "6.1.0-fake";
            }

            @Override
            public CompletableFuture<Void> exited() {
                return exited;
            }

            @Override
            public void stop() {
                stops.incrementAndGet();
                exited.complete(null);
            }

            @Override
            public void close() {
                stop();
            }
        };
    }

    /** QEMU killed from outside. */
    void killVm() {
        agent.die();
        exited.complete(null);
    }
}
