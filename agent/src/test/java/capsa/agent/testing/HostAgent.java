package capsa.agent.testing;

import capsa.agent.AgentRuntime;
import capsa.agent.GuestPaths;
import capsa.agent.container.ContainerSettings;
import capsa.agent.runc.RuncConfig;
import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.client.TtrpcClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A whole agent on the host, served over ttrpc on a Unix socket in a temp dir: real runc and reaper, recorded
 * mounts and system calls, every guest path under the temp dir, a test-specific cgroup parent.
 */
public final class HostAgent implements AutoCloseable {
  public final Path root;
  public final GuestPaths paths;
  public final String cgroupParent;
  public final RecordingMounter mounter = new RecordingMounter();
  public final RecordingSystemControl system = new RecordingSystemControl();
  public final AgentRuntime runtime;
  public final Path socket;
  public final TtrpcTransport clientTransport = TtrpcTransport.create(1, 8, 64);

  public HostAgent(int outputBuffer) throws IOException {
    root = Files.createTempDirectory("capsa-agent-rpc-");
    paths = GuestPaths.under(root);
    cgroupParent = "/capsa-test-" + UUID.randomUUID().toString().substring(0, 8);
    runtime =
        new AgentRuntime(
            new AgentRuntime.Parts(
                HostNatives.posix(),
                HostNatives.launcher(),
                system,
                mounter,
                paths,
                new RuncConfig(
                    Path.of("/usr/sbin/runc"), root.resolve("runc-root"), root.resolve("runc-work"), false,
                    Duration.ofSeconds(60)),
                cgroupParent,
                new ContainerSettings(outputBuffer, Duration.ofSeconds(30), Duration.ofSeconds(30)),
                List.of("/bin/busybox", "unshare", "-p", "-f", "/bin/busybox", "sleep", "2147483647"),
                Duration.ofMillis(10)));
    socket = root.resolve("agent.sock");
    runtime.server().bind(socket);
  }

  public TtrpcClient connect() throws IOException {
    return TtrpcClient.connect(clientTransport, socket);
  }

  public Path rootfs(String containerId) throws IOException {
    return BusyboxRootfs.create(paths.sharedContainers().resolve(containerId).resolve("rootfs"));
  }

  /** Where the agent reads a container's cgroup v2 files (a fake tree on this cgroup-v1 host). */
  public Path cgroupDir(String containerId) {
    return paths.cgroupRoot().resolve(cgroupParent.substring(1)).resolve(containerId);
  }

  @Override
  public void close() throws IOException {
    try {
      runtime.close();
      clientTransport.close();
    } finally {
      HostCgroups.removeParent(cgroupParent);
      try (Stream<Path> s = Files.walk(root)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
