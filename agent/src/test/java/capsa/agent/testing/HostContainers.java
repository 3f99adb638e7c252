package capsa.agent.testing;

import capsa.agent.GuestPaths;
import capsa.agent.cgroup.OomWatcher;
import capsa.agent.container.ContainerManager;
import capsa.agent.container.ContainerRegistry;
import capsa.agent.container.ContainerSettings;
import capsa.agent.runc.Runc;
import capsa.agent.runc.RuncConfig;
import capsa.agent.spec.GuestSpecRewriter;
import capsa.agent.storage.EphemeralHandler;
import capsa.agent.storage.FsMountHandler;
import capsa.agent.storage.LocalHandler;
import capsa.agent.storage.StorageService;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;

/**
 * A container manager on the host with real runc, every path in a temporary directory, a test-specific cgroup
 * parent, and recorded (not real) mounts. {@link #close()} removes containers, cgroups and files.
 */
public final class HostContainers implements AutoCloseable {
  public final Path root;
  public final GuestPaths paths;
  public final String cgroupParent;
  public final RecordingMounter mounter = new RecordingMounter();
  public final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  public final OomWatcher oom;
  public final StorageService storages;
  public final Runc runc;
  public final ContainerManager manager;
  public final ObjectMapper json = new ObjectMapper();

  public HostContainers() throws IOException {
    this(ContainerSettings.defaults());
  }

  public HostContainers(ContainerSettings settings) throws IOException {
    root = Files.createTempDirectory("capsa-agent-");
    paths = GuestPaths.under(root);
    cgroupParent = "/capsa-test-" + UUID.randomUUID().toString().substring(0, 8);
    runc =
        new Runc(
            HostNatives.launcher(),
            new RuncConfig(
                Paths.get("/usr/sbin/runc"), root.resolve("runc-root"), root.resolve("runc-work"), false,
                Duration.ofSeconds(60)));
    oom = new OomWatcher(scheduler, 100);
    storages =
        new StorageService(
            mounter,
            List.of(
                FsMountHandler.ninep(mounter),
                FsMountHandler.virtioFs(mounter),
                new EphemeralHandler(mounter, paths.sandboxDir()),
                new LocalHandler()));
    manager =
        new ContainerManager(
            new ContainerRegistry(),
            runc,
            HostNatives.launcher(),
            HostNatives.posix(),
            storages,
            new GuestSpecRewriter(paths.sharedContainers(), cgroupParent, true),
            oom,
            paths,
            settings,
            json);
  }

  /** Puts a busybox rootfs where the Kata runtime would share it: {@code <shared>/<cid>/rootfs}. */
  public Path rootfs(String containerId) throws IOException {
    return BusyboxRootfs.create(paths.sharedContainers().resolve(containerId).resolve("rootfs"));
  }

  @Override
  public void close() throws IOException {
    try {
      manager.removeAll();
    } finally {
      oom.close();
      scheduler.shutdownNow();
      HostCgroups.removeParent(cgroupParent);
      try (Stream<Path> s = Files.walk(root)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
