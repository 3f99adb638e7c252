package capsa.shim.sandbox;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** One container in a sandbox: bundle, init process, execs, state. Lifecycle thread only. */
final class Container {

    private final String id;
    private final Path bundle;
    private final boolean rootfsMounted;
    private final TaskProcess init;
    private final Map<String, TaskProcess> execs = new LinkedHashMap<>();
    private ContainerState state = new ContainerState.Created();

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
}
