package capsa.shim.task;

import capsa.proto.oci.Spec;
import capsa.shim.events.EventPublisher;
import capsa.shim.network.SpecNamespaces;
import capsa.shim.network.SpecResolvConf;
import capsa.shim.rootfs.Mounter;
import capsa.shim.rootfs.RunDirs;
import capsa.shim.rootfs.SandboxShare;
import capsa.shim.sandbox.CreateTask;
import capsa.shim.sandbox.Sandbox;
import capsa.shim.sandbox.SandboxLauncher;
import capsa.shim.sandbox.SandboxSetup;
import capsa.shim.sandbox.TaskException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The daemon's one sandbox (a shim serves one group = one VM), booted by the first Create and stopped by the
 * Shutdown that finds it empty. Synchronized: Create and Shutdown must not race over booting and stopping.
 */
public final class SandboxHost {

    private final String sandboxId;
    private final Path shareDir;
    private final Mounter mounter;
    private final SandboxLauncher launcher;
    private final EventPublisher events;
    private final Executor blocking;
    private final Clock clock;
    private Sandbox sandbox; // guarded by this
    private boolean stopped; // guarded by this

    public SandboxHost(String sandboxId, Path shareDir, Mounter mounter, SandboxLauncher launcher,
            EventPublisher events, Executor blocking, Clock clock) {
        this.sandboxId = sandboxId;
        this.shareDir = shareDir;
        this.mounter = mounter;
        this.launcher = launcher;
        this.events = events;
        this.blocking = blocking;
        this.clock = clock;
    }

    /** The sandbox, booting it first if this is the first task (blocking; runs on the blocking executor). */
    CompletableFuture<Sandbox> forCreate(CreateTask t) {
        return CompletableFuture.supplyAsync(() -> boot(t), blocking);
    }

    private synchronized Sandbox boot(CreateTask t) {
        if (stopped) {
            throw new TaskException.FailedPrecondition("shim " + sandboxId + " is shutting down");
        }
        if (sandbox == null) {
            // Configuration and annotation errors fail here, before anything is created.
            SandboxLauncher podLauncher = launcher.forPod(t.spec().getAnnotationsMap());
            SandboxShare share;
            try {
                share = SandboxShare.create(shareDir, mounter);
            } catch (IOException e) {
                throw new TaskException.Internal("cannot create the share " + shareDir + ": " + e.getMessage(), e);
            }
            try {
                SandboxSetup setup = new SandboxSetup(t.spec().getHostname(), sharesPidNamespace(t.spec()),
                        SpecNamespaces.network(t.spec()), SpecResolvConf.dnsLines(t.spec()));
                sandbox = Sandbox.start(sandboxId, t.spec(), setup, share, podLauncher, events, blocking, clock);
            } catch (RuntimeException e) {
                try {
                    share.close();
                } catch (IOException x) {
                    e.addSuppressed(x);
                }
                // The sandbox directory around the share: nothing of a failed boot may stay behind.
                RunDirs.remove(shareDir.getParent());
                throw e;
            }
        }
        return sandbox;
    }

    /** A CRI pod sandbox lets its containers join one pid namespace; the agent keeps it for them. */
    static boolean sharesPidNamespace(Spec spec) {
        return "sandbox".equals(spec.getAnnotationsMap().get("io.kubernetes.cri.container-type"));
    }

    /** The sandbox, if booted. */
    synchronized Optional<Sandbox> current() {
        return Optional.ofNullable(sandbox);
    }

    /** The sandbox, or NotFound for {@code id}. */
    Sandbox require(String id) {
        return current().orElseThrow(() -> new TaskException.NotFound("container " + id + " not created"));
    }

    /**
     * Stops the sandbox if no container is left; true if the shim may exit. Called from Shutdown and at daemon
     * exit ({@code force}).
     */
    CompletableFuture<Boolean> stopIfEmpty(boolean force) {
        Sandbox s;
        synchronized (this) {
            s = sandbox;
            if (s == null) {
                stopped = true;
                return CompletableFuture.completedFuture(true);
            }
        }
        return s.isEmpty().thenCompose(empty -> {
            if (!empty && !force) {
                return CompletableFuture.completedFuture(false);
            }
            synchronized (this) {
                stopped = true;
            }
            return s.stop().thenApply(v -> {
                synchronized (this) {
                    sandbox = null;
                }
                return true;
            });
        });
    }
}
