package capsa.agent;

import capsa.agent.channel.VirtioSerialServer;
import capsa.agent.channel.VsockListener;
import capsa.agent.container.ContainerSettings;
import capsa.agent.log.LogLevels;
import capsa.agent.proc.NativeProcessLauncher;
import capsa.agent.runc.RuncConfig;
import capsa.agent.storage.LibcMounter;
import capsa.agent.sys.LibC;
import capsa.agent.sys.LinuxSystemControl;
import capsa.agent.sys.ModuleLoadGate;
import capsa.agent.sys.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * capsa-agent's entry point: {@code java -jar capsa-agent.jar [--key=value...]} (see {@link AgentConfig} for keys;
 * kernel command line {@code agent.key=value} and {@code CAPSA_AGENT_KEY} work too). Runs as PID 1 (exec'd by the
 * guest /init) or as a child subreaper, and never exits on its own: DestroySandbox powers the VM off.
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);
  private static final Duration SERIAL_PORT_WAIT = Duration.ofSeconds(30);
  private static final Duration MODULE_WAIT = Duration.ofSeconds(60);

  private Main() {}

  public static void main(String[] args) throws Exception {
    AgentConfig cfg = AgentConfig.load(args, System.getenv(), Path.of("/proc/cmdline"));
    LogLevels.apply(cfg.logLevel());
    Posix posix = new Posix(LibC.load());
    NativeProcessLauncher launcher = new NativeProcessLauncher(posix);
    boolean pid1 = ProcessHandle.current().pid() == 1;
    if (!pid1) {
      launcher.becomeSubreaper();
    }
    GuestPaths paths = GuestPaths.standard();
    ModuleLoadGate modules = new ModuleLoadGate(ModuleLoadGate.STANDARD_MARKER, MODULE_WAIT);
    boolean noPivot = cfg.noPivot() || rootIsInitramfs();
    RuncConfig runc = new RuncConfig(cfg.runc(), cfg.runcRoot(), Path.of("/run/capsa/runc"), noPivot, Duration.ofSeconds(120));
    ContainerSettings settings =
        new ContainerSettings(cfg.outputBuffer(), Duration.ofSeconds(30), Duration.ofSeconds(30));
    AgentRuntime runtime =
        new AgentRuntime(
            new AgentRuntime.Parts(
                posix,
                launcher,
                new LinuxSystemControl(posix),
                new LibcMounter(posix),
                paths,
                runc,
                cfg.cgroupParent(),
                settings,
                List.of("/bin/busybox", "unshare", "-p", "-f", "/bin/busybox", "sleep", "2147483647"),
                Duration.ofMillis(200),
                modules));
    startChannels(cfg, posix, runtime, paths, modules);
    log.info("capsa-agent {} ready (pid {}, channels {})", AgentRuntime.VERSION, ProcessHandle.current().pid(), cfg.channels());
    // Listening comes first; what only later RPCs need is made now, while the host connects.
    Thread warm = new Thread(runtime::warmUp, "warm-up");
    warm.setDaemon(true);
    warm.start();
    new CountDownLatch(1).await();
  }

  private static void startChannels(
      AgentConfig cfg, Posix posix, AgentRuntime runtime, GuestPaths paths, ModuleLoadGate modules)
      throws IOException {
    if (cfg.channels().contains("unix")) {
      Files.createDirectories(cfg.unixSocket().getParent());
      Files.deleteIfExists(cfg.unixSocket());
      runtime.server().bind(cfg.unixSocket());
      log.info("Listening on {}", cfg.unixSocket());
    }
    if (cfg.channels().contains("vsock")) {
      // The vsock transport may still be loading (/init loads it in the background): bind once it is in, off the
      // start-up path when that means waiting.
      Runnable bindVsock =
          () -> {
            modules.await();
            try {
              VsockListener.bind(posix, cfg.vsockPort()).serve(runtime.server(), runtime.transport().eventLoopGroup());
            } catch (IOException e) {
              log.info("No vsock listener: {}", e.getMessage());
            }
          };
      if (modules.pending()) {
        Thread t = new Thread(bindVsock, "vsock-bind");
        t.setDaemon(true);
        t.start();
      } else {
        bindVsock.run();
      }
    }
    if (cfg.channels().contains("serial")) {
      Thread t =
          new Thread(
              () -> {
                Optional<Path> port = awaitSerialPort(paths, cfg.serialName());
                if (port.isEmpty()) {
                  log.info("No virtio-serial port named {}", cfg.serialName());
                  return;
                }
                log.info("Serving on virtio-serial port {} ({})", cfg.serialName(), port.get());
                new VirtioSerialServer(
                        posix,
                        () -> posix.open(port.get().toString(), LibC.O_RDWR | LibC.O_NOCTTY, 0),
                        Path.of("/proc/uptime"))
                    .serve(runtime.server(), runtime.transport().eventLoopGroup());
              },
              "serial-discovery");
      t.setDaemon(true);
      t.start();
    }
  }

  /** runc's pivot_root fails with EINVAL while / is the initial ramfs; then every create needs --no-pivot. */
  private static boolean rootIsInitramfs() {
    try {
      boolean initramfs =
          Files.readAllLines(Path.of("/proc/mounts")).stream().anyMatch(l -> l.startsWith("rootfs / rootfs "))
              && Files.readAllLines(Path.of("/proc/mounts")).stream().filter(l -> l.split(" ")[1].equals("/")).count() == 1;
      if (initramfs) {
        log.warn("/ is the initramfs: running runc with --no-pivot");
      }
      return initramfs;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The port's name appears shortly after virtio_console binds; wait a bounded time for it. */
  private static Optional<Path> awaitSerialPort(GuestPaths paths, String name) {
    long deadline = System.nanoTime() + SERIAL_PORT_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        Optional<Path> p = VirtioSerialServer.findPort(paths.sysfs(), paths.dev(), name);
        if (p.isPresent() && Files.exists(p.get())) {
          return p;
        }
        Thread.sleep(50);
      } catch (IOException e) {
        log.warn("Looking for {}: {}", name, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return Optional.empty();
  }
}
