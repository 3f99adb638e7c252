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
import capsa.agent.spec.OciJson;
import capsa.agent.storage.BlockHandler;
import capsa.agent.storage.EphemeralHandler;
import capsa.agent.storage.FsMountHandler;
import capsa.agent.storage.LocalHandler;
import capsa.agent.storage.Mounter;
import capsa.agent.storage.PciPathResolver;
import capsa.agent.storage.StorageService;
import capsa.agent.sys.Posix;
import capsa.agent.sys.SystemControl;
import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.server.PeerCheck;
import capsa.ttrpc.server.TtrpcServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The composition root: builds every part of the agent from its configuration and the machine-facing pieces
 * (launcher, system control, mounter), which tests replace. Owns the threads it starts; {@link #close()} stops them.
 * Listening is the caller's choice ({@link #server()}).
 */
public final class AgentRuntime implements AutoCloseable {
  public static final String VERSION = "0.1.0";

  private final ScheduledExecutorService scheduler;
  private final OomWatcher oom;
  private final ContainerManager containers;
  private final Sandbox sandbox;
  private final TtrpcTransport transport;
  private final TtrpcServer server;

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
      Duration powerOffDelay) {}

  public AgentRuntime(Parts p) throws IOException {
    ObjectMapper json = new ObjectMapper();
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
                new BlockHandler(p.mounter(), new PciPathResolver(p.paths().sysfs(), p.paths().dev(), Duration.ofSeconds(3)))));
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
                Duration.ofSeconds(5)));
    transport = TtrpcTransport.create(1, 32, 256);
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

  @Override
  public void close() {
    server.close();
    containers.removeAll();
    sandbox.close();
    oom.close();
    scheduler.shutdownNow();
    transport.close();
  }
}
