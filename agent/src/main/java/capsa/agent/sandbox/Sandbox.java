package capsa.agent.sandbox;

import capsa.agent.AgentException;
import capsa.agent.container.ContainerManager;
import capsa.agent.proc.ProcessLauncher;
import capsa.agent.storage.MountedStorage;
import capsa.agent.storage.StorageService;
import capsa.agent.sys.Posix;
import capsa.agent.sys.SystemControl;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one sandbox of this VM: created once by CreateSandbox (hostname, DNS, storages, shared pid namespace), required
 * by every container call, destroyed by DestroySandbox, which ends with powering the VM off.
 */
public final class Sandbox {
  private static final Logger log = LoggerFactory.getLogger(Sandbox.class);
  private static final int HOSTNAME_MAX = 64;

  private final SystemControl system;
  private final StorageService storages;
  private final ContainerManager containers;
  private final ProcessLauncher launcher;
  private final Posix posix;
  private final Path resolvConf;
  private final List<String> pidNsCommand;
  private final ScheduledExecutorService scheduler;
  private final Duration powerOffDelay;

  @GuardedBy("this")
  private State state = State.NEW;

  @GuardedBy("this")
  private String id = "";

  @GuardedBy("this")
  private List<MountedStorage> mounted = List.of();

  @GuardedBy("this")
  private PidNamespaceHolder pidNs;

  private enum State {
    NEW,
    CREATED,
    DESTROYED
  }

  public Sandbox(
      SystemControl system,
      StorageService storages,
      ContainerManager containers,
      ProcessLauncher launcher,
      Posix posix,
      Path resolvConf,
      List<String> pidNsCommand,
      ScheduledExecutorService scheduler,
      Duration powerOffDelay) {
    this.system = system;
    this.storages = storages;
    this.containers = containers;
    this.launcher = launcher;
    this.posix = posix;
    this.resolvConf = resolvConf;
    this.pidNsCommand = List.copyOf(pidNsCommand);
    this.scheduler = scheduler;
    this.powerOffDelay = powerOffDelay;
  }

  public synchronized void create(SandboxRequest req) {
    if (state != State.NEW) {
      throw new AgentException.AlreadyExists("sandbox " + id + " already created");
    }
    try {
      if (!req.hostname().isEmpty()) {
        String h = req.hostname().length() > HOSTNAME_MAX ? req.hostname().substring(0, HOSTNAME_MAX) : req.hostname();
        system.setHostname(h);
      }
      if (!req.dnsLines().isEmpty()) {
        Files.createDirectories(resolvConf.getParent());
        Files.writeString(resolvConf, String.join("\n", req.dnsLines()) + "\n", StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new AgentException.Internal("cannot set up sandbox " + req.sandboxId(), e);
    }
    List<MountedStorage> done = storages.mountAll(req.storages());
    if (req.sandboxPidNs()) {
      try {
        pidNs = PidNamespaceHolder.start(launcher, posix, pidNsCommand, Duration.ofSeconds(10));
      } catch (IOException e) {
        storages.unmountAll(done);
        throw new AgentException.Internal("cannot create the sandbox pid namespace", e);
      }
    }
    mounted = done;
    id = req.sandboxId();
    state = State.CREATED;
    log.info("Created sandbox {}", id);
  }

  /** Throws FailedPrecondition unless CreateSandbox has succeeded (and DestroySandbox has not run). */
  public synchronized void requireCreated() {
    if (state != State.CREATED) {
      throw new AgentException.FailedPrecondition(
          state == State.NEW ? "sandbox not created: call CreateSandbox first" : "sandbox " + id + " is destroyed");
    }
  }

  /** The shared pid namespace to join, when the sandbox has one and the container asks for it. */
  public synchronized Optional<Path> pidNamespace(boolean wanted) {
    return wanted && pidNs != null ? Optional.of(pidNs.namespacePath()) : Optional.empty();
  }

  public synchronized String id() {
    return id;
  }

  /**
   * Removes every container, undoes storages, ends the pid namespace holder, then powers the VM off after {@code
   * powerOffDelay} so the reply still reaches the host.
   */
  public void destroy() {
    synchronized (this) {
      requireCreated();
      state = State.DESTROYED;
    }
    containers.removeAll();
    synchronized (this) {
      if (pidNs != null) {
        pidNs.close();
        pidNs = null;
      }
      storages.unmountAll(mounted);
      mounted = List.of();
    }
    log.info("Destroyed sandbox {}; powering off in {} ms", id(), powerOffDelay.toMillis());
    scheduler.schedule(system::powerOff, powerOffDelay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Ends what the sandbox started without powering off (agent shutdown, tests). */
  public synchronized void close() {
    if (pidNs != null) {
      pidNs.close();
      pidNs = null;
    }
  }
}
