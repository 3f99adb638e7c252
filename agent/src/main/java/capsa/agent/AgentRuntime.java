package capsa.agent;

import capsa.agent.cgroup.CgroupStatsReader;
import capsa.agent.cgroup.OomWatcher;
import capsa.agent.container.ContainerManager;
import capsa.agent.container.ContainerRegistry;
import capsa.agent.device.DeviceService;
import capsa.agent.container.ContainerSettings;
import capsa.agent.network.LauncherNetCommands;
import capsa.agent.network.NetworkService;
import capsa.agent.network.PciNetDevices;
import capsa.agent.proc.ProcessLauncher;
import capsa.agent.rpc.AgentServiceHandler;
import capsa.agent.rpc.HealthHandler;
import capsa.agent.runc.Runc;
import capsa.agent.runc.RuncConfig;
import capsa.agent.sandbox.GuestResources;
import capsa.agent.sandbox.Sandbox;
import capsa.agent.spec.GuestSpecRewriter;
import capsa.agent.spec.LazyMapper;
import capsa.agent.spec.OciJson;
import capsa.agent.storage.BlockHandler;
import capsa.agent.storage.EphemeralHandler;
import capsa.agent.storage.FsMountHandler;
import capsa.agent.storage.LocalHandler;
import capsa.agent.storage.Mounter;
import capsa.agent.storage.PciPathResolver;
import capsa.agent.storage.StorageService;
import capsa.agent.sys.ModuleLoadGate;
import capsa.agent.sys.Posix;
import capsa.agent.sys.SystemControl;
import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.server.PeerCheck;
import capsa.ttrpc.server.TtrpcServer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The composition root: builds every part of the agent from its configuration and the machine-facing pieces
 * (launcher, system control, mounter), which tests replace. Owns the threads it starts; {@link #close()} stops them.
 * Listening is the caller's choice ({@link #server()}).
 */
public final class AgentRuntime implements AutoCloseable {
  public static final String VERSION = "0.1.0";
  private static final int HANDLER_THREADS = 4;

  private final ScheduledExecutorService scheduler;
  private final OomWatcher oom;
  private final ContainerManager containers;
  private final Sandbox sandbox;
  private final TtrpcTransport transport;
  private final TtrpcServer server;
  private final LazyMapper json;
  private final ExecutorService handlerPool;
  private final EventLoopGroup ioGroup;

  /** Everything the runtime needs from outside. */
  public record Parts(
      Posix posix,
      ProcessLauncher launcher,
      SystemControl system,
      Mounter mounter,
      GuestPaths paths,
      RuncConfig runc,
      String cgroupParent,
      ContainerSettings settings,
      List<String> pidNsCommand,
      Duration powerOffDelay,
      ModuleLoadGate modules) {

    /** Parts for a machine whose kernel modules are all loaded (host tests). */
    public Parts(
        Posix posix,
        ProcessLauncher launcher,
        SystemControl system,
        Mounter mounter,
        GuestPaths paths,
        RuncConfig runc,
        String cgroupParent,
        ContainerSettings settings,
        List<String> pidNsCommand,
        Duration powerOffDelay) {
      this(posix, launcher, system, mounter, paths, runc, cgroupParent, settings, pidNsCommand, powerOffDelay,
          ModuleLoadGate.none());
    }
  }

  public AgentRuntime(Parts p) throws IOException {
    json = new LazyMapper();
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "agent-scheduler");
              t.setDaemon(true);
              return t;
            });
    oom = new OomWatcher(scheduler, 250);
    StorageService storages =
        new StorageService(
            p.mounter(),
            List.of(
                FsMountHandler.ninep(p.mounter()),
                FsMountHandler.virtioFs(p.mounter()),
                new EphemeralHandler(p.mounter(), p.paths().sandboxDir()),
                new LocalHandler(),
                new BlockHandler(p.mounter(), new PciPathResolver(p.paths().sysfs(), p.paths().dev(), Duration.ofSeconds(3)))),
            p.modules());
    containers =
        new ContainerManager(
            new ContainerRegistry(),
            new Runc(p.launcher(), p.runc()),
            p.launcher(),
            p.posix(),
            storages,
            new GuestSpecRewriter(p.paths().sharedContainers(), p.cgroupParent(), true),
            oom,
            p.paths(),
            p.settings(),
            json);
    sandbox =
        new Sandbox(
            p.system(),
            storages,
            containers,
            p.launcher(),
            p.posix(),
            p.paths().resolvConf(),
            p.pidNsCommand(),
            scheduler,
            p.powerOffDelay());
    AgentServiceHandler agent =
        new AgentServiceHandler(
            sandbox,
            containers,
            new OciJson(json),
            new CgroupStatsReader(),
            oom,
            new GuestResources(p.paths().sysfs()),
            p.system(),
            AgentServiceHandler.details(VERSION, ProcessHandle.current().pid() == 1, storages.drivers()),
            // The shim calls CreateContainer right after a hot-plug returns; the guest's pciehp needs a moment (more
            // under TCG). Kata's agent.hotplug_timeout default is 3 s; GPUs get more room.
            new DeviceService(p.paths().sysfs(), Duration.ofSeconds(30)),
            new NetworkService(
                LauncherNetCommands.busybox(p.launcher(), p.runc().workDir()),
                new PciNetDevices(p.paths().sysfs()),
                Duration.ofSeconds(5),
                p.modules()));
    // Handlers block only for short work (runc, mounts): long polls hold no thread. A few threads suffice, and each
    // idle one costs the guest its stack and a slot in every thread dump; they time out when idle.
    ThreadPoolExecutor handlers =
        new ThreadPoolExecutor(
            HANDLER_THREADS, HANDLER_THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(256),
            new DefaultThreadFactory("ttrpc-handler", true));
    handlers.allowCoreThreadTimeOut(true);
    handlerPool = handlers;
    ioGroup = new EpollEventLoopGroup(1, new DefaultThreadFactory("ttrpc-io", true));
    transport = TtrpcTransport.wrap(ioGroup, handlers);
    server =
        TtrpcServer.builder(transport)
            .addService(agent)
            .addService(new HealthHandler(VERSION))
            // The agent's listeners are vsock and a private serial port; root-only Unix sockets when asked.
            .peerCheck(PeerCheck.allowAll())
            .build();
  }

  public TtrpcServer server() {
    return server;
  }

  public TtrpcTransport transport() {
    return transport;
  }

  public ContainerManager containers() {
    return containers;
  }

  /** Makes what the first RPCs will need but start-up does not (the JSON mapper); call after the ready line. */
  public void warmUp() {
    json.get();
  }

  @Override
  public void close() {
    server.close();
    containers.removeAll();
    sandbox.close();
    oom.close();
    scheduler.shutdownNow();
    transport.close();
    handlerPool.shutdownNow();
    ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
