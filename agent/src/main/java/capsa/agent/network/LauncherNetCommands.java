package capsa.agent.network;

import capsa.agent.AgentException;
import capsa.agent.proc.ExitStatus;
import capsa.agent.proc.ProcessLauncher;
import capsa.agent.proc.SpawnSpec;
import capsa.agent.proc.Spawned;
import capsa.agent.proc.Stdio;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link NetCommands} through the agent's {@link ProcessLauncher} (the agent is PID 1's reaper, so
 * {@code java.lang.Process} is off limits). Output goes to a scratch file that is read and deleted.
 *
 * @param ip argv prefix for ip, e.g. {@code [/sbin/ip]} (busybox applet in the guest image)
 * @param arp argv prefix for arp, e.g. {@code [/sbin/arp]}
 */
public final class LauncherNetCommands implements NetCommands {
  private static final List<String> ENV = List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin");

  private final ProcessLauncher launcher;
  private final List<String> ip;
  private final List<String> arp;
  private final Path workDir;
  private final Duration timeout;
  private final AtomicLong sequence = new AtomicLong();

  public LauncherNetCommands(ProcessLauncher launcher, List<String> ip, List<String> arp, Path workDir,
      Duration timeout) {
    this.launcher = launcher;
    this.ip = List.copyOf(ip);
    this.arp = List.copyOf(arp);
    this.workDir = workDir;
    this.timeout = timeout;
  }

  /** The guest image's busybox applets. */
  public static LauncherNetCommands busybox(ProcessLauncher launcher, Path workDir) {
    return new LauncherNetCommands(launcher, List.of("/sbin/ip"), List.of("/sbin/arp"), workDir,
        Duration.ofSeconds(10));
  }

  @Override
  public String ip(List<String> args) {
    return run(ip, args);
  }

  @Override
  public String arp(List<String> args) {
    return run(arp, args);
  }

  private String run(List<String> prefix, List<String> args) {
    List<String> argv = new ArrayList<>(prefix);
    argv.addAll(args);
    String shown = String.join(" ", argv);
    long n = sequence.incrementAndGet();
    Path out = workDir.resolve("net-" + n + ".out");
    Path err = workDir.resolve("net-" + n + ".err");
    try {
      Files.createDirectories(workDir);
      Spawned s = launcher.spawn(new SpawnSpec(argv, ENV, Stdio.devNull(), new Stdio.ToFile(out),
          new Stdio.ToFile(err)));
      ExitStatus status = s.exit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!status.success()) {
        String said = Files.exists(err) ? Files.readString(err, StandardCharsets.UTF_8).strip() : "";
        throw new AgentException.Internal("`" + shown + "` failed (status " + status.shellStatus() + "): " + said,
            null);
      }
      return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
    } catch (IOException | ExecutionException | TimeoutException e) {
      throw new AgentException.Internal("`" + shown + "` did not run", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentException.Internal("interrupted running `" + shown + "`", e);
    } finally {
      try {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      } catch (IOException ignored) {
        // scratch file in the agent's own dir
      }
    }
  }
}
