package capsa.shim.sandbox;

import capsa.proto.agent.CgroupStats;
import capsa.proto.oci.LinuxResources;
import capsa.proto.oci.Mount;
import capsa.shim.events.EventPublisher;
import capsa.shim.io.ProcessIo;
import capsa.shim.rootfs.SandboxShare;
import capsa.shim.spec.GuestPaths;
import capsa.shim.spec.GuestSpec;
import capsa.shim.spec.GuestSpecRewriter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One VM and the containers in it. Every public method queues its work on the sandbox's {@link SerialExecutor} and
 * returns a future; {@link #waitFor} only looks the process up there and then waits outside it.
 */
public final class Sandbox {

    private static final Logger log = LoggerFactory.getLogger(Sandbox.class);

    /** How long an exit waits for the process output to drain into the FIFOs before it is published. */
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(10);
    /** Exit status of processes whose VM died under them (what containerd reports when a shim dies). */
    public static final int VM_DIED_STATUS = 255;

    private final String id;
    private final SandboxVm vm;
    private final SandboxShare share;
    private final TaskEvents events;
    private final Executor blocking;
    private final Clock clock;
    private final SerialExecutor lifecycle;
    private final GuestSpecRewriter rewriter = new GuestSpecRewriter();
    private final Map<String, Container> containers = new LinkedHashMap<>(); // lifecycle thread only
    private final OomMonitor oom;
    private volatile boolean vmGone;

    private Sandbox(String id, SandboxVm vm, SandboxShare share, EventPublisher events, Executor blocking,
            Clock clock) {
        this.id = id;
        this.vm = vm;
        this.share = share;
        this.events = new TaskEvents(events);
        this.blocking = blocking;
        this.clock = clock;
        this.lifecycle = new SerialExecutor(blocking);
        this.oom = new OomMonitor(vm.agent(), cid -> lifecycle.submit(() -> {
            onOom(cid);
            return null;
        }));
    }

    /**
     * Boots the VM (sharing {@code share}), creates the agent's sandbox, and watches the VM's death. On failure
     * the VM is stopped again.
     *
     * @param sandboxSpec the first task's spec (devices to cold-plug)
     * @param setup hostname, pid namespace sharing, network namespace and DNS from that spec
     */
    public static Sandbox start(String id, capsa.proto.oci.Spec sandboxSpec, SandboxSetup setup, SandboxShare share,
            SandboxLauncher launcher, EventPublisher events, Executor blocking, Clock clock) {
        SandboxVm vm = launcher.launch(id, share.dir(), sandboxSpec, setup.netns());
        try {
            vm.agent().createSandbox(id, setup.hostname(), setup.dns(), SandboxStorages.all(), setup.pidns()).join();
        } catch (CompletionException e) {
            vm.close();
            throw new TaskException.Unavailable(
                    "CreateSandbox in VM " + id + " failed: " + AgentCalls.message(e), e);
        }
        Sandbox s = new Sandbox(id, vm, share, events, blocking, clock);
        vm.exited().whenComplete((v, e) -> s.lifecycle.submit(() -> {
            s.onVmExit();
            return null;
        }));
        s.oom.start();
        return s;
    }

    public String id() {
        return id;
    }

    public int pid() {
        return vm.pid();
    }

    public String guestKernelRelease() {
        return vm.guestKernelRelease();
    }

    // ------------------------------------------------------------------------------------------------ containers

    public CompletableFuture<Integer> create(CreateTask t) {
        return lifecycle.submit(() -> {
            if (containers.containsKey(t.id())) {
                throw new TaskException.AlreadyExists("container " + t.id() + " already exists");
            }
            requireVm();
            Path rootfs = t.bundle().resolve("rootfs");
            boolean mounted = !t.rootfs().isEmpty();
            try {
                if (mounted) {
                    share.mountRootfs(t.rootfs(), rootfs);
                }
                share.shareRootfs(t.id(), rootfs);
                GuestSpec guest = rewriter.rewrite(t.id(), t.spec(), m -> shareVolume(t.id(), m));
                List<capsa.proto.agent.Device> devices = vm.devices().attach(t.id(), t.spec());
                vm.agent().createContainer(t.id(), guest.spec(), guest.sandboxPidns(), devices).join();
            } catch (IOException | RuntimeException e) {
                vm.devices().detach(t.id());
                undoCreate(t.id(), rootfs, mounted);
                throw e instanceof CompletionException ce ? AgentCalls.failure("CreateContainer " + t.id(), ce)
                        : e instanceof IOException io ? new TaskException.Internal(
                                "cannot share the rootfs of " + t.id() + ": " + io.getMessage(), io)
                        : (RuntimeException) e;
            }
            TaskProcess init = new TaskProcess(t.id(), t.id(), t.stdio(), Optional.empty());
            Container c = new Container(t.id(), t.bundle(), mounted, init);
            c.memoryLimited(t.spec().getLinux().getResources().getMemory().getLimit() > 0);
            containers.put(t.id(), c);
            events.created(t, vm.pid());
            return vm.pid();
        });
    }

    private Optional<String> shareVolume(String cid, Mount m) {
        try {
            boolean ro = m.getOptionsList().contains("ro");
            return Optional.of(GuestPaths.shared(share.shareVolume(cid, Path.of(m.getSource()), ro)));
        } catch (IOException e) {
            throw new TaskException.Internal("cannot share volume " + m.getSource() + " of " + cid + ": "
                    + e.getMessage(), e);
        }
    }

    private void undoCreate(String cid, Path rootfs, boolean mounted) {
        try {
            share.unshare(cid);
            if (mounted) {
                share.unmountRootfs(rootfs);
            }
        } catch (IOException e) {
            log.warn("clean-up after failed create of {}: {}", cid, e.getMessage());
        }
    }

    public CompletableFuture<Integer> start(String cid, String execId) {
        return lifecycle.submit(() -> {
            Container c = container(cid);
            TaskProcess p = process(c, execId);
            if (!(p.state() instanceof ProcessState.Created)) {
                throw new TaskException.FailedPrecondition("process " + p.id() + " is not in created state");
            }
            requireVm();
            if (p.isInit()) {
                AgentCalls.call("StartContainer " + cid, vm.agent().startContainer(cid));
                c.moveTo(new ContainerState.Running());
            } else {
                if (!(c.init().state() instanceof ProcessState.Running)) {
                    throw new TaskException.FailedPrecondition("container " + cid + " is not running");
                }
                AgentCalls.call("ExecProcess " + p.id(), vm.agent().execProcess(cid, p.id(),
                        rewriter.process(p.execSpec().orElseThrow())));
            }
            p.io(ProcessIo.start(p.stdio(), vm.agent(), cid, p.agentExecId(), blocking));
            p.moveTo(new ProcessState.Running());
            events.started(p, vm.pid());
            watchExit(p);
            return vm.pid();
        });
    }

    /** Starts the WaitProcess long poll once; its answer (after the output drained) becomes the exit. */
    private void watchExit(TaskProcess p) {
        if (!p.startWaiting()) {
            return;
        }
        vm.agent().waitProcess(p.containerId(), p.agentExecId()).whenComplete((status, error) -> {
            CompletableFuture<Void> drained = p.io().map(ProcessIo::outputDone)
                    .orElse(CompletableFuture.completedFuture(null));
            drained.completeOnTimeout(null, OUTPUT_DRAIN.toMillis(), TimeUnit.MILLISECONDS)
                    .thenCompose(v -> lifecycle.submit(() -> barrier(p, status, error)))
                    .thenCompose(barrier -> barrier)
                    .thenRun(() -> lifecycle.submit(() -> {
                        if (error != null) {
                            // A lost connection means the VM is going: onVmExit reports every process then, execs
                            // before init. Any other failure ends the process as lost.
                            if (vmGone || AgentCalls.connectionLost(error)) {
                                return null;
                            }
                            log.warn("WaitProcess {}/{} failed: {}", p.containerId(), p.id(),
                                    AgentCalls.message(error));
                        }
                        exited(p, error == null ? status : VM_DIED_STATUS);
                        return null;
                    }));
        });
    }

    /** What the exit of {@code p} waits for first (lifecycle thread); nothing when the wait itself failed. */
    private CompletableFuture<Void> barrier(TaskProcess p, Integer status, Throwable error) {
        return error != null ? CompletableFuture.completedFuture(null)
                : ExitBarrier.before(containers.get(p.containerId()), p, status);
    }

    private void exited(TaskProcess p, int status) {
        if (p.state() instanceof ProcessState.Exited) {
            return;
        }
        ProcessState.Exited e = new ProcessState.Exited(status, clock.instant());
        p.io().ifPresent(ProcessIo::stop);
        // The event first: whoever a Wait reply wakes may look for it at once.
        events.exited(p, vm.pid(), e);
        if (p.isInit()) {
            Container c = containers.get(p.containerId());
            if (c != null && !(c.state() instanceof ContainerState.Stopped)) {
                c.moveTo(new ContainerState.Stopped());
            }
        }
        p.moveTo(e);
    }

    /** The agent saw an OOM kill: TaskOOM, before the exit it causes (see {@link ExitBarrier}). */
    private void onOom(String cid) {
        if (vmGone) {
            return;
        }
        events.oom(cid);
        Container c = containers.get(cid);
        if (c != null) {
            c.oomKilled().complete(null);
        }
    }

    private void onVmExit() {
        vmGone = true;
        log.warn("VM of sandbox {} is gone; every process in it exits with {}", id, VM_DIED_STATUS);
        for (Container c : containers.values()) {
            for (TaskProcess p : c.execs()) {
                exited(p, VM_DIED_STATUS);
            }
            exited(c.init(), VM_DIED_STATUS);
        }
    }

    public CompletableFuture<Void> exec(ExecTask t) {
        return lifecycle.submit(() -> {
            Container c = container(t.containerId());
            if (c.hasExec(t.execId())) {
                throw new TaskException.AlreadyExists("exec " + t.execId() + " already exists in " + c.id());
            }
            if (c.init().state() instanceof ProcessState.Exited) {
                throw new TaskException.FailedPrecondition("container " + c.id() + " is not running");
            }
            c.addExec(new TaskProcess(c.id(), t.execId(), t.stdio(), Optional.of(t.process())));
            events.execAdded(c.id(), t.execId());
            return null;
        });
    }

    public CompletableFuture<Void> kill(String cid, String execId, int signal, boolean all) {
        return lifecycle.submit(() -> {
            Container c = container(cid);
            TaskProcess p = process(c, execId);
            if (p.state() instanceof ProcessState.Exited) {
                throw new TaskException.NotFound("process already finished");
            }
            if (!p.isInit() && p.state() instanceof ProcessState.Created) {
                throw new TaskException.FailedPrecondition("process " + p.id() + " is not started");
            }
            requireVm();
            if (all && p.isInit()) {
                for (TaskProcess e : c.execs()) {
                    if (e.state() instanceof ProcessState.Running) {
                        vm.agent().signalProcess(cid, e.agentExecId(), signal).exceptionally(x -> null);
                    }
                }
            }
            // An empty exec id makes the agent signal the container through runc (every process of it, as
            // containerd's kill of an init means); an exec is signalled by its own pid.
            AgentCalls.call("SignalProcess " + p.id(), vm.agent().signalProcess(cid, p.isInit() ? "" : p.agentExecId(),
                    signal));
            // A created init that is killed exits without ever starting: its exit still has to be reported.
            watchExit(p);
            return null;
        });
    }

    /** Completes when the process exited; looking it up is serialized, the waiting is not. */
    public CompletableFuture<ProcessState.Exited> waitFor(String cid, String execId) {
        return lifecycle.submit(() -> process(container(cid), execId).exit()).thenCompose(f -> f);
    }

    public CompletableFuture<ProcessSnapshot> state(String cid, String execId) {
        return lifecycle.submit(() -> {
            Container c = container(cid);
            return c.snapshot(process(c, execId), vm.pid());
        });
    }

    /** The pids containerd lists: the VM's, once per live process; execs carry their exec id. */
    public CompletableFuture<List<ProcessPid>> pids(String cid) {
        return lifecycle.submit(() -> container(cid).pids(vm.pid()));
    }

    public CompletableFuture<DeleteResult> delete(String cid, String execId) {
        return lifecycle.submit(() -> {
            Container c = container(cid);
            TaskProcess p = process(c, execId);
            if (p.state() instanceof ProcessState.Running) {
                throw new TaskException.FailedPrecondition("cannot delete a running process " + p.id());
            }
            ProcessState.Exited e = p.state() instanceof ProcessState.Exited x ? x
                    : new ProcessState.Exited(0, clock.instant());
            DeleteResult result = new DeleteResult(vm.pid(), e.status(), e.at());
            if (p.isInit()) {
                if (!c.execs().stream().allMatch(x -> x.state() instanceof ProcessState.Exited
                        || x.state() instanceof ProcessState.Created)) {
                    throw new TaskException.FailedPrecondition("container " + cid + " still has running execs");
                }
                if (!vmGone) {
                    try {
                        vm.agent().removeContainer(cid, 10).join();
                    } catch (CompletionException x) {
                        log.warn("RemoveContainer {}: {}", cid, AgentCalls.message(x));
                    }
                    vm.devices().detach(cid);
                }
                try {
                    share.unshare(cid);
                    if (c.rootfsMounted()) {
                        share.unmountRootfs(c.bundle().resolve("rootfs"));
                    }
                } catch (IOException x) {
                    throw new TaskException.Internal("cannot unmount the rootfs of " + cid + ": " + x.getMessage(),
                            x);
                }
                containers.remove(cid);
            } else {
                c.removeExec(p.id());
            }
            events.deleted(p, result);
            return result;
        });
    }

    public CompletableFuture<Void> closeIo(String cid, String execId) {
        return lifecycle.submit(() -> process(container(cid), execId).io())
                .thenCompose(io -> io.map(ProcessIo::closeStdin)
                        .orElseGet(() -> CompletableFuture.completedFuture(null)));
    }

    public CompletableFuture<Void> resizePty(String cid, String execId, int width, int height) {
        return lifecycle.submit(() -> {
            TaskProcess p = process(container(cid), execId);
            if (!(p.state() instanceof ProcessState.Running)) {
                throw new TaskException.FailedPrecondition("process " + p.id() + " is not running");
            }
            AgentCalls.call("TtyWinResize " + p.id(), vm.agent().resizeTty(cid, p.agentExecId(), height, width));
            return null;
        });
    }

    public CompletableFuture<Void> pause(String cid) {
        return lifecycle.submit(() -> {
            Container c = container(cid);
            requireState(c, ContainerState.Running.class, "running");
            AgentCalls.call("PauseContainer " + cid, vm.agent().pauseContainer(cid));
            c.moveTo(new ContainerState.Paused());
            events.paused(cid);
            return null;
        });
    }

    public CompletableFuture<Void> resume(String cid) {
        return lifecycle.submit(() -> {
            Container c = container(cid);
            requireState(c, ContainerState.Paused.class, "paused");
            AgentCalls.call("ResumeContainer " + cid, vm.agent().resumeContainer(cid));
            c.moveTo(new ContainerState.Running());
            events.resumed(cid);
            return null;
        });
    }

    public CompletableFuture<Void> update(String cid, LinuxResources resources) {
        return lifecycle.submit(() -> {
            Container c = container(cid);
            if (c.state() instanceof ContainerState.Stopped) {
                throw new TaskException.FailedPrecondition("container " + cid + " is stopped");
            }
            AgentCalls.call("UpdateContainer " + cid, vm.agent().updateContainer(cid, rewriter.resources(resources)));
            c.memoryLimited(resources.getMemory().getLimit() > 0);
            return null;
        });
    }

    public CompletableFuture<CgroupStats> stats(String cid) {
        return lifecycle.submit(() -> {
            Container c = container(cid);
            if (c.state() instanceof ContainerState.Stopped) {
                throw new TaskException.FailedPrecondition("container " + cid + " is stopped");
            }
            return AgentCalls.call("StatsContainer " + cid, vm.agent().statsContainer(cid));
        });
    }

    /** Whether any container is left (Shutdown only stops an empty sandbox). */
    public CompletableFuture<Boolean> isEmpty() {
        return lifecycle.submit(containers::isEmpty);
    }

    /** The init pid of {@code cid}, 0 when unknown (Connect does not fail on an unknown id). */
    public CompletableFuture<Integer> taskPid(String cid) {
        return lifecycle.submit(() -> containers.containsKey(cid) ? vm.pid() : 0);
    }

    /** Destroys the guest sandbox, stops the VM and removes the share. Idempotent. */
    public CompletableFuture<Void> stop() {
        oom.stop();
        return lifecycle.submit(() -> {
            if (!vmGone) {
                try {
                    vm.agent().destroySandbox().get(5, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    log.debug("DestroySandbox: {}", e.toString());
                }
            }
            vm.stop();
            try {
                share.close();
            } catch (IOException e) {
                log.warn("cannot remove the share of sandbox {}: {}", id, e.getMessage());
            }
            vm.close();
            return null;
        });
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private Container container(String cid) {
        Container c = containers.get(cid);
        if (c == null) {
            throw new TaskException.NotFound("container " + cid + " not created");
        }
        return c;
    }

    private static TaskProcess process(Container c, String execId) {
        return c.process(execId).orElseThrow(() -> new TaskException.NotFound("process does not exist " + execId));
    }

    private static void requireState(Container c, Class<? extends ContainerState> wanted, String name) {
        if (!wanted.isInstance(c.state())) {
            throw new TaskException.FailedPrecondition("container " + c.id() + " is not " + name);
        }
    }

    private void requireVm() {
        if (vmGone) {
            throw new TaskException.Unavailable("the VM of sandbox " + id + " is gone", null);
        }
    }
}
