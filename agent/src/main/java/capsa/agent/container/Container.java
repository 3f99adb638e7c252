package capsa.agent.container;

import capsa.agent.AgentException;
import capsa.agent.storage.MountedStorage;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import capsa.agent.proc.ExitStatus;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** One container: its bundle, cgroup, storages, processes and lifecycle state. */
public final class Container {
  private final String id;
  private final Path bundle;
  private final Path cgroupDir;
  private final List<MountedStorage> storages;
  private final ContainerProcess init;
  private final CompletableFuture<ExitStatus> stopped;

  @GuardedBy("this")
  private final Map<String, ContainerProcess> execs = new LinkedHashMap<>();

  @GuardedBy("this")
  private ContainerState state = new ContainerState.Created();

  public Container(String id, Path bundle, Path cgroupDir, List<MountedStorage> storages, ContainerProcess init) {
    this.id = id;
    this.bundle = bundle;
    this.cgroupDir = cgroupDir;
    this.storages = List.copyOf(storages);
    this.init = init;
    this.stopped =
        init.exit()
            .thenApply(
                status -> {
                  transition(ContainerState::initExited);
                  return status;
                });
  }

  public String id() {
    return id;
  }

  public Path bundle() {
    return bundle;
  }

  public Path cgroupDir() {
    return cgroupDir;
  }

  public List<MountedStorage> storages() {
    return storages;
  }

  public ContainerProcess init() {
    return init;
  }

  /** The init's exit, completed after the container has become stopped. */
  public CompletableFuture<ExitStatus> stopped() {
    return stopped;
  }

  public synchronized ContainerState state() {
    return state;
  }

  /** Applies a transition atomically; the operation throws FailedPrecondition when the state forbids it. */
  public synchronized ContainerState transition(UnaryOperator<ContainerState> op) {
    state = op.apply(state);
    return state;
  }

  /** The init for {@code ""} or the container id (Kata's convention), else the exec with that id. */
  public synchronized ContainerProcess process(String execId) {
    if (execId.isEmpty() || execId.equals(id)) {
      return init;
    }
    ContainerProcess p = execs.get(execId);
    if (p == null) {
      throw new AgentException.NotFound("process " + execId + " not found in container " + id);
    }
    return p;
  }

  public synchronized void reserveExec(String execId) {
    if (execId.isEmpty() || execId.equals(id) || execs.containsKey(execId)) {
      throw new AgentException.AlreadyExists("process " + execId + " already exists in container " + id);
    }
    execs.put(execId, null);
  }

  public synchronized void addExec(ContainerProcess process) {
    execs.put(process.execId(), process);
  }

  public synchronized void releaseExec(String execId) {
    execs.remove(execId);
  }

  public synchronized List<ContainerProcess> processes() {
    List<ContainerProcess> all = new ArrayList<>();
    all.add(init);
    execs.values().stream().filter(p -> p != null).forEach(all::add);
    return all;
  }
}
