package capsa.agent.container;

import capsa.agent.AgentException;
import capsa.agent.GuestPaths;
import capsa.agent.cgroup.CgroupV2;
import capsa.agent.cgroup.OomWatcher;
import capsa.agent.io.PipeIo;
import capsa.agent.io.ProcessIo;
import capsa.agent.io.TtyIo;
import capsa.agent.proc.ExitStatus;
import capsa.agent.proc.ProcessLauncher;
import capsa.agent.runc.Runc;
import capsa.agent.spec.GuestSpecRewriter;
import capsa.agent.spec.LazyMapper;
import capsa.agent.storage.MountedStorage;
import capsa.agent.storage.StorageService;
import capsa.agent.sys.Posix;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs containers with runc: create (bundle, config.json, stdio, runc create, adopt the init), start, exec, signal,
 * pause/resume, remove. Every method blocks (runc calls); callers run it on the blocking executor. Waiting and output
 * are futures.
 */
public final class ContainerManager {
  private static final Logger log = LoggerFactory.getLogger(ContainerManager.class);
  private static final int SIGKILL = 9;

  private final ContainerRegistry registry;
  private final Runc runc;
  private final ProcessLauncher launcher;
  private final Posix posix;
  private final StorageService storages;
  private final GuestSpecRewriter rewriter;
  private final OomWatcher oom;
  private final GuestPaths paths;
  private final ContainerSettings settings;
  private final Supplier<ObjectMapper> json;
  private final AtomicLong sockets = new AtomicLong();

  public ContainerManager(
      ContainerRegistry registry,
      Runc runc,
      ProcessLauncher launcher,
      Posix posix,
      StorageService storages,
      GuestSpecRewriter rewriter,
      OomWatcher oom,
      GuestPaths paths,
      ContainerSettings settings,
      ObjectMapper json) {
    this(registry, runc, launcher, posix, storages, rewriter, oom, paths, settings, LazyMapper.of(json));
  }

  /** @param json the mapper for config.json and exec process files, fetched at use (it may be made on first use) */
  public ContainerManager(
      ContainerRegistry registry,
      Runc runc,
      ProcessLauncher launcher,
      Posix posix,
      StorageService storages,
      GuestSpecRewriter rewriter,
      OomWatcher oom,
      GuestPaths paths,
      ContainerSettings settings,
      Supplier<ObjectMapper> json) {
    this.registry = registry;
    this.runc = runc;
    this.launcher = launcher;
    this.posix = posix;
    this.storages = storages;
    this.rewriter = rewriter;
    this.oom = oom;
    this.paths = paths;
    this.settings = settings;
    this.json = json;
  }

  public ContainerRegistry registry() {
    return registry;
  }

  public Container create(CreateRequest req, Optional<Path> sandboxPidNs) {
    String id = req.containerId();
    registry.reserve(id);
    List<MountedStorage> mounted = List.of();
    ProcessIo io = null;
    Path bundle = paths.bundles().resolve(id);
    boolean runcCreated = false;
    try {
      mounted = storages.mountAll(req.storages());
      ObjectNode spec = req.spec();
      rewriter.rewrite(id, spec, sandboxPidNs);
      Files.createDirectories(bundle);
      json.get().writerWithDefaultPrettyPrinter().writeValue(bundle.resolve("config.json").toFile(), spec);
      boolean terminal = spec.path("process").path("terminal").asBoolean(false);
      io = newIo(id, terminal);
      Path pidFile = bundle.resolve("init.pid");
      runc.create(id, bundle, pidFile, consoleSocket(io), streams(io));
      runcCreated = true;
      io.started();
      int pid = readPid(pidFile);
      CompletableFuture<ExitStatus> exit = launcher.adopt(pid);
      ContainerProcess init = new ContainerProcess(id, pid, io, exit);
      CgroupV2 cgroup = new CgroupV2(cgroupDir(id));
      Container c = new Container(id, bundle, cgroup.dir(), mounted, init);
      oom.watch(id, cgroup);
      registry.register(c);
      log.info("Created container {} (init pid {})", id, pid);
      return c;
    } catch (IOException | RuntimeException e) {
      if (io != null) {
        io.close();
      }
      if (runcCreated) {
        deleteQuietly(id);
      }
      storages.unmountAll(mounted);
      deleteTree(bundle);
      registry.release(id);
      throw translate("create container " + id, e);
    }
  }

  public void start(String id) {
    Container c = registry.get(id);
    synchronized (c) {
      c.state().start(); // refuse early, before runc
      call("start container " + id, () -> runc.start(id));
      c.transition(ContainerState::start);
    }
  }

  public ContainerProcess exec(String id, String execId, ObjectNode process) {
    Container c = registry.get(id);
    c.state().checkExec();
    c.reserveExec(execId);
    ProcessIo io = null;
    Path processJson = c.bundle().resolve("exec-" + sockets.incrementAndGet() + ".json");
    try {
      inheritFromInit(c, process);
      json.get().writeValue(processJson.toFile(), process);
      io = newIo(id + "-" + execId, process.path("terminal").asBoolean(false));
      Path pidFile = c.bundle().resolve("exec-" + sockets.get() + ".pid");
      runc.exec(id, processJson, pidFile, consoleSocket(io), streams(io));
      io.started();
      int pid = readPid(pidFile);
      ContainerProcess p = new ContainerProcess(execId, pid, io, launcher.adopt(pid));
      c.addExec(p);
      releaseWhenDone(p);
      log.info("Exec {} in container {} (pid {})", execId, id, pid);
      return p;
    } catch (IOException | RuntimeException e) {
      if (io != null) {
        io.close();
      }
      c.releaseExec(execId);
      throw translate("exec " + execId + " in container " + id, e);
    } finally {
      try {
        Files.deleteIfExists(processJson);
      } catch (IOException ignored) {
        // scratch file in the bundle, removed with it
      }
    }
  }

  /**
   * The Kata runtime sends an exec's terminal, user, args, env and cwd only. Security settings it leaves out come
   * from the container's own process, so an exec never runs with more privilege than the container (runc would
   * otherwise keep all of its own capabilities).
   */
  private void inheritFromInit(Container c, ObjectNode process) throws IOException {
    com.fasterxml.jackson.databind.JsonNode init = json.get().readTree(c.bundle().resolve("config.json").toFile()).path("process");
    for (String field : List.of("capabilities", "rlimits", "noNewPrivileges", "apparmorProfile", "selinuxLabel")) {
      if (!process.has(field) && init.has(field)) {
        process.set(field, init.get(field));
      }
    }
  }

  /**
   * Once an exec has exited and both its outputs reached EOF, its descriptors and buffers go; the small process record
   * stays so a late WaitProcess still answers (probes exec often; their stdio must not pile up until removal).
   */
  private static void releaseWhenDone(ContainerProcess p) {
    CompletableFuture.allOf(p.exit(), p.io().stdout().drained(), p.io().stderr().drained())
        .thenRun(() -> p.io().close());
  }

  /** Signals one process, or with {@code execId} empty every process of the container. */
  public void signal(String id, String execId, int signal) {
    Container c = registry.get(id);
    if (execId.isEmpty()) {
      if (c.init().exited()) {
        return;
      }
      try {
        runc.kill(id, signal, true);
      } catch (IOException e) {
        if (!c.init().exited() && !stopped(id)) {
          throw translate("signal container " + id, e);
        }
      }
      return;
    }
    ContainerProcess p = c.process(execId);
    if (p.exited()) {
      return;
    }
    int err = posix.kill(p.pid(), signal);
    if (err != 0 && err != capsa.agent.sys.LibC.ESRCH) {
      throw new AgentException.Internal(
          "kill " + p.pid() + " with signal " + signal, posix.error("kill", err));
    }
  }

  public CompletableFuture<Integer> waitProcess(String id, String execId) {
    Container c = registry.get(id);
    ContainerProcess p = c.process(execId);
    return (p == c.init() ? c.stopped() : p.exit()).thenApply(ExitStatus::shellStatus);
  }

  public void pause(String id) {
    Container c = registry.get(id);
    synchronized (c) {
      c.state().pause();
      call("pause container " + id, () -> runc.pause(id));
      c.transition(ContainerState::pause);
    }
  }

  public void resume(String id) {
    Container c = registry.get(id);
    synchronized (c) {
      c.state().resume();
      call("resume container " + id, () -> runc.resume(id));
      c.transition(ContainerState::resume);
    }
  }

  /** Kills what still runs, waits (bounded) for the init, deletes the runc container and everything the agent made. */
  public void remove(String id, int timeoutSeconds) {
    Container c = registry.get(id);
    if (!c.init().exited()) {
      try {
        runc.kill(id, SIGKILL, true);
      } catch (IOException e) {
        log.debug("kill before remove of {}: {}", id, e.getMessage());
      }
    }
    long waitMillis =
        timeoutSeconds > 0 ? TimeUnit.SECONDS.toMillis(timeoutSeconds) : settings.removeTimeout().toMillis();
    try {
      c.init().exit().get(waitMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("Init of {} did not exit within {} ms; deleting anyway", id, waitMillis);
    } catch (Exception e) {
      log.debug("waiting for {}: {}", id, e.toString());
    }
    oom.unwatch(id);
    deleteQuietly(id);
    c.processes().forEach(p -> p.io().close());
    storages.unmountAll(c.storages());
    deleteTree(c.bundle());
    registry.release(id);
    log.info("Removed container {}", id);
  }

  /** Removes every container (DestroySandbox). */
  public void removeAll() {
    for (Container c : registry.all()) {
      try {
        remove(c.id(), 10);
      } catch (RuntimeException e) {
        log.warn("Removing {} failed: {}", c.id(), e.getMessage());
      }
    }
  }

  public Path cgroupDir(String id) {
    return paths.cgroupRoot().resolve(rewriter.cgroupsPath(id).substring(1));
  }

  private ProcessIo newIo(String name, boolean terminal) throws IOException {
    if (terminal) {
      Files.createDirectories(paths.sockets());
      Path socket = paths.sockets().resolve(sockets.incrementAndGet() + ".sock");
      return new TtyIo(posix, name, socket, settings.outputBufferBytes(), (int) settings.consoleTimeout().toMillis());
    }
    return new PipeIo(posix, name, settings.outputBufferBytes());
  }

  private static Path consoleSocket(ProcessIo io) {
    return io instanceof TtyIo tty ? tty.socketPath() : null;
  }

  private static Runc.Streams streams(ProcessIo io) {
    return new Runc.Streams(io.childStdin(), io.childStdout(), io.childStderr());
  }

  private static int readPid(Path pidFile) throws IOException {
    String s = Files.readString(pidFile).strip();
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IOException("bad pid file " + pidFile + ": \"" + s + "\"");
    }
  }

  private boolean stopped(String id) {
    try {
      return "stopped".equals(runc.state(id).path("status").asText());
    } catch (IOException e) {
      return true;
    }
  }

  private void deleteQuietly(String id) {
    try {
      runc.delete(id, true);
    } catch (IOException e) {
      log.debug("runc delete {}: {}", id, e.getMessage());
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      log.warn("Cannot remove {}: {}", dir, e.getMessage());
    }
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private static void call(String what, IoAction action) {
    try {
      action.run();
    } catch (IOException e) {
      throw translate(what, e);
    }
  }

  private static AgentException translate(String what, Exception e) {
    if (e instanceof AgentException ae) {
      return ae;
    }
    return new AgentException.Internal("cannot " + what, e);
  }
}
