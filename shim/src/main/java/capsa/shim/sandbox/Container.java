package capsa.shim.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** One container in a sandbox: bundle, init process, execs, state. Lifecycle thread only. */
final class Container {

    private final String id;
    private final Path bundle;
    private final boolean rootfsMounted;
    private final TaskProcess init;
    private final Map<String, TaskProcess> execs = new LinkedHashMap<>();
    private ContainerState state = new ContainerState.Created();
    private final CompletableFuture<Void> oomKilled = new CompletableFuture<>();
    private boolean memoryLimited;

    Container(String id, Path bundle, boolean rootfsMounted, TaskProcess init) {
        this.id = id;
        this.bundle = bundle;
        this.rootfsMounted = rootfsMounted;
        this.init = init;
    }

    String id() {
        return id;
    }

    Path bundle() {
        return bundle;
    }

    boolean rootfsMounted() {
        return rootfsMounted;
    }

    TaskProcess init() {
        return init;
    }

    ContainerState state() {
        return state;
    }

    void moveTo(ContainerState next) {
        if (!ContainerState.allowed(state, next)) {
            throw new IllegalStateException("container " + id + ": " + state + " → " + next);
        }
        state = next;
    }

    /** Whether a memory limit was set (at create or by Update): only then can the OOM killer end it. */
    boolean memoryLimited() {
        return memoryLimited;
    }

    void memoryLimited(boolean limited) {
        memoryLimited |= limited;
    }

    /** Completes when the agent reported an OOM kill in this container. */
    CompletableFuture<Void> oomKilled() {
        return oomKilled;
    }

    /** The process with {@code execId}; empty exec id (or the container id) is init. */
    Optional<TaskProcess> process(String execId) {
        if (execId.isEmpty() || execId.equals(id)) {
            return Optional.of(init);
        }
        return Optional.ofNullable(execs.get(execId));
    }

    boolean hasExec(String execId) {
        return execs.containsKey(execId) || execId.equals(id);
    }

    void addExec(TaskProcess p) {
        execs.put(p.id(), p);
    }

    void removeExec(String execId) {
        execs.remove(execId);
    }

    Collection<TaskProcess> execs() {
        return execs.values();
    }

    /** What State reports about {@code p}, one of this container's processes. */
    ProcessSnapshot snapshot(TaskProcess p, int pid) {
        ContainerState status = p.isInit() ? state : asContainerState(p.state());
        Optional<ProcessState.Exited> exit = p.state() instanceof ProcessState.Exited e ? Optional.of(e)
                : Optional.empty();
        return new ProcessSnapshot(p.id(), p.isInit() ? "" : p.id(), bundle, pid, status, p.stdio(), exit);
    }

    private static ContainerState asContainerState(ProcessState s) {
        if (s instanceof ProcessState.Created) {
            return new ContainerState.Created();
        }
        return s instanceof ProcessState.Running ? new ContainerState.Running() : new ContainerState.Stopped();
    }

    /** Pids: {@code pid} (the VM's) once for a live init and once per running exec, with its exec id. */
    List<ProcessPid> pids(int pid) {
        List<ProcessPid> out = new ArrayList<>();
        if (!(init.state() instanceof ProcessState.Exited)) {
            out.add(new ProcessPid(pid, ""));
        }
        for (TaskProcess e : execs.values()) {
            if (e.state() instanceof ProcessState.Running) {
                out.add(new ProcessPid(pid, e.id()));
            }
        }
        return out;
    }
}
