package capsa.hypervisor.qemu;

import capsa.hypervisor.BootTimeline;
import capsa.hypervisor.DeviceException;
import capsa.hypervisor.GuestPciPath;
import capsa.hypervisor.HypervisorException;
import capsa.hypervisor.UnsupportedByBackendException;
import capsa.hypervisor.Vm;
import capsa.hypervisor.VmExit;
import capsa.hypervisor.VmStartException;
import capsa.hypervisor.VmState;
import capsa.hypervisor.VmStateException;
import capsa.hypervisor.qemu.qmp.QmpClient;
import capsa.hypervisor.qemu.qmp.QmpCommands;
import capsa.hypervisor.spec.DataSize;
import capsa.hypervisor.spec.Device;
import capsa.hypervisor.spec.VmSpec;
import capsa.vsock.AgentEndpoint;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running QEMU process and its QMP connection. Owns the process, the runtime directory and everything in it; the
 * exit watcher (one waiter thread per VM) runs cleanup whoever ended the process (us, the guest, or kill -9).
 *
 * <p>Threading: control methods block the caller (bounded by {@link QemuConfig} timeouts); hotplug/unplug are
 * serialised by {@link QemuHotplug}; state changes are CAS-checked against {@link VmState#validTransition}.
 */
final class QemuVm implements Vm {

  private static final Logger LOG = LoggerFactory.getLogger(QemuVm.class);
  /** How often we look at the console log until its first byte (a stat per tick, only during boot). */
  private static final long CONSOLE_POLL_MS = 10;

  private final VmSpec spec;
  private final QemuPaths paths;
  private final QemuConfig config;
  private final Process process;
  private final EventLoopGroup group;
  private final ObjectMapper mapper;
  private final AgentEndpoint agentEndpoint;
  private final Function<Duration, CompletableFuture<Channel>> agentDial;
  private final Instant spawnedAt;
  private final long spawnNanos;
  private final AtomicReference<VmState> state = new AtomicReference<>(VmState.STARTING);
  private final CompletableFuture<VmExit> exit = new CompletableFuture<>();
  private volatile boolean stopRequested;
  private volatile QmpClient qmp;
  private volatile QemuHotplug hotplug;
  private volatile QemuResize resize;
  private volatile Duration vmmReady;
  private volatile Duration firstConsoleByte;
  private volatile Duration agentReady;

  QemuVm(VmSpec spec, QemuPaths paths, QemuConfig config, Process process, Instant spawnedAt, long spawnNanos,
      EventLoopGroup group, ObjectMapper mapper, AgentEndpoint agentEndpoint,
      Function<Duration, CompletableFuture<Channel>> agentDial) {
    this.spec = spec;
    this.paths = paths;
    this.config = config;
    this.process = process;
    this.spawnedAt = spawnedAt;
    this.spawnNanos = spawnNanos;
    this.group = group;
    this.mapper = mapper;
    this.agentEndpoint = agentEndpoint;
    this.agentDial = agentDial;
    // A dedicated waiter rather than Process.onExit(): onExit completes via the common ForkJoinPool, where any
    // blocking task elsewhere in the JVM could delay the exit report (we promise well under 1 s after kill -9).
    Thread waiter = new Thread(this::awaitProcessExit, "qemu-exit-" + spec.id());
    waiter.setDaemon(true);
    waiter.start();
    watchConsole();
  }

  /** Poll-connects to the QMP socket QEMU creates, until negotiated, the process dies or the deadline passes. */
  void connectQmp() {
    Instant deadline = Instant.now().plus(config.startTimeout());
    Throwable last = null;
    while (true) {
      if (!process.isAlive() || exit.isDone()) {
        throw new VmStartException("QEMU exited during start" + exitCodeText() + "; its output ends with:\n"
            + QemuLogs.tail(spec.vmmLog()));
      }
      Duration left = Duration.between(Instant.now(), deadline);
      if (left.isNegative() || left.isZero()) {
        throw new VmStartException("QMP socket " + paths.qmpSocket() + " did not answer within "
            + config.startTimeout(), last);
      }
      if (Files.exists(paths.qmpSocket())) {
        try {
          qmp = QmpClient.connect(group, paths.qmpSocket(), mapper, left).get(left.toMillis() + 1000,
              TimeUnit.MILLISECONDS);
          break;
        } catch (ExecutionException e) {
          last = e.getCause();
        } catch (TimeoutException e) {
          last = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new VmStartException("Interrupted while waiting for QMP", e);
        }
      }
      sleepQuietly(20); // QEMU creates the socket file before listening; nothing to wait on but time
    }
    vmmReady = sinceSpawn();
    hotplug = new QemuHotplug(spec, qmp, config);
    resize = new QemuResize(spec, qmp, config);
    if (!transition(VmState.RUNNING)) {
      throw new VmStartException("QEMU went away right after QMP negotiation" + exitCodeText());
    }
    LOG.info("VM {} QMP ready ({} {}): {}", spec.id(), "QEMU", qmp.greeting().version(), timeline().describe());
  }

  private String exitCodeText() {
    return process.isAlive() ? "" : " with status " + process.exitValue();
  }

  @Override
  public String id() {
    return spec.id();
  }

  @Override
  public VmState state() {
    return state.get();
  }

  @Override
  public AgentEndpoint agentEndpoint() {
    return agentEndpoint;
  }

  @Override
  public CompletableFuture<Channel> connectAgent(Duration timeout) {
    return agentDial.apply(timeout).thenApply(ch -> {
      if (agentReady == null) {
        agentReady = sinceSpawn();
        LOG.info("VM {} boot timeline: {}", spec.id(), timeline().describe());
      }
      return ch;
    });
  }

  @Override
  public Path consoleLog() {
    return spec.consoleLog();
  }

  @Override
  public BootTimeline timeline() {
    return new BootTimeline(spawnedAt, Optional.ofNullable(vmmReady), Optional.ofNullable(firstConsoleByte),
        Optional.ofNullable(agentReady));
  }

  @Override
  public CompletableFuture<VmExit> exit() {
    return exit;
  }

  /** The spec this VM was booted from. */
  VmSpec spec() {
    return spec;
  }

  /** The QMP connection (tests and diagnostics). */
  QmpClient qmp() {
    return qmp;
  }

  /** The QEMU process id (for tests and diagnostics). */
  long pid() {
    return process.pid();
  }

  @Override
  public void pause() {
    require("pause", VmState.RUNNING);
    await(qmp.execute(new QmpCommands.Stop()), "pause");
    if (!transition(VmState.PAUSED)) {
      throw new VmStateException("pause", state.get());
    }
  }

  @Override
  public void resume() {
    require("resume", VmState.PAUSED);
    await(qmp.execute(new QmpCommands.Cont()), "resume");
    if (!transition(VmState.RUNNING)) {
      throw new VmStateException("resume", state.get());
    }
  }

  @Override
  public GuestPciPath hotplug(Device device) {
    requireHotplug();
    return hotplug.plug(device);
  }

  @Override
  public GuestPciPath guestPciPath(String deviceId) {
    requireHotplug();
    return hotplug.pathOf(deviceId);
  }

  @Override
  public void unplug(String deviceId) {
    requireHotplug();
    hotplug.unplug(deviceId);
  }

  @Override
  public void resize(int vcpus, DataSize memory) {
    if (!spec.machine().supportsHotplug()) {
      throw new UnsupportedByBackendException(spec.machine().qemuName() + " cannot hot-add vCPUs or memory; use q35");
    }
    VmState s = state.get();
    if (s != VmState.RUNNING && s != VmState.PAUSED) {
      throw new VmStateException("resize", s);
    }
    resize.resize(vcpus, memory);
  }

  @Override
  public VmExit stop(Duration grace) {
    if (exit.isDone()) {
      return exit.join();
    }
    stopRequested = true;
    transition(VmState.STOPPING);
    QmpClient c = qmp;
    if (c != null && !grace.isZero()) {
      Duration quitWait = grace.compareTo(config.commandTimeout()) < 0 ? grace : config.commandTimeout();
      try {
        c.execute(new QmpCommands.Quit(), quitWait).get(quitWait.toMillis() + 500, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.debug("VM {}: quit not acknowledged ({}), will kill", spec.id(), e.toString());
      }
      try {
        return exit.get(grace.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        LOG.warn("VM {} did not exit within {} after quit; sending SIGKILL", spec.id(), grace);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        throw new AssertionError("exit future never fails", e);
      }
    }
    process.destroyForcibly();
    try {
      return exit.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new VmStartException("QEMU pid " + process.pid() + " survived SIGKILL for 30 s", e);
    }
  }

  @Override
  public void close() {
    if (!exit.isDone()) {
      stop(Duration.ZERO);
    }
    deleteRuntimeDir();
  }

  // ---- internals ----

  private void awaitProcessExit() {
    while (true) {
      try {
        process.waitFor();
        break;
      } catch (InterruptedException e) {
        // Nobody interrupts this thread on purpose; keep waiting so exit() always completes.
      }
    }
    onProcessExit();
  }

  private void onProcessExit() {
    // Whatever fails here, exit() must complete: callers wait on it.
    VmExit e = new VmExit(OptionalInt.of(process.exitValue()), stopRequested, Instant.now());
    try {
      transition(VmState.STOPPED);
      QmpClient c = qmp;
      if (c != null) {
        c.close();
      }
      deleteRuntimeDir();
      LOG.info("VM {} exited (status {}, {}); runtime dir removed", spec.id(), process.exitValue(),
          stopRequested ? "requested" : "not requested");
    } catch (RuntimeException ex) {
      LOG.error("VM {}: cleanup after exit failed", spec.id(), ex);
    } finally {
      exit.complete(e);
    }
  }

  private void deleteRuntimeDir() {
    try {
      QemuLogs.deleteTree(paths.runtimeDir());
    } catch (IOException e) {
      LOG.warn("VM {}: could not remove {}", spec.id(), paths.runtimeDir(), e);
    }
  }

  private void watchConsole() {
    Path log = spec.consoleLog();
    AtomicReference<io.netty.util.concurrent.ScheduledFuture<?>> task = new AtomicReference<>();
    task.set(group.next().scheduleAtFixedRate(() -> {
      boolean done = exit.isDone() || firstConsoleByte != null;
      if (!done) {
        try {
          if (Files.size(log) > 0) {
            firstConsoleByte = sinceSpawn();
            done = true;
          }
        } catch (IOException e) {
          // Not created yet: QEMU opens it during start-up.
        }
      }
      io.netty.util.concurrent.ScheduledFuture<?> self = task.get();
      if (done && self != null) {
        self.cancel(false);
      }
      // (self == null only if the first tick beat the assignment; a later tick cancels.)
    }, CONSOLE_POLL_MS, CONSOLE_POLL_MS, TimeUnit.MILLISECONDS));
  }

  private Duration sinceSpawn() {
    return Duration.ofNanos(System.nanoTime() - spawnNanos);
  }

  private boolean transition(VmState to) {
    while (true) {
      VmState from = state.get();
      if (!VmState.validTransition(from, to)) {
        return false;
      }
      if (state.compareAndSet(from, to)) {
        LOG.debug("VM {}: {} -> {}", spec.id(), from, to);
        return true;
      }
    }
  }

  private void require(String op, VmState wanted) {
    VmState s = state.get();
    if (s != wanted) {
      throw new VmStateException(op, s);
    }
  }

  private void requireHotplug() {
    if (!spec.machine().supportsHotplug()) {
      throw new UnsupportedByBackendException(spec.machine().qemuName() + " has no PCIe: devices cannot be "
          + "hot-plugged; boot a q35 VM with pcieRootPorts > 0");
    }
    VmState s = state.get();
    if (s != VmState.RUNNING && s != VmState.PAUSED) {
      throw new VmStateException("hot-plug devices on", s);
    }
  }

  static <T> T await(CompletableFuture<T> f, String what) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeviceException("Interrupted during " + what, e);
    } catch (ExecutionException e) {
      Throwable c = QmpClientAccess.unwrap(e);
      if (c instanceof HypervisorException) {
        throw (HypervisorException) c;
      }
      throw new DeviceException(what + " failed", c);
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VmStartException("Interrupted while waiting for QMP", e);
    }
  }
}
