package capsa.agent.sandbox;

import capsa.agent.proc.ProcessLauncher;
import capsa.agent.proc.SpawnSpec;
import capsa.agent.proc.Spawned;
import capsa.agent.proc.Stdio;
import capsa.agent.sys.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The pause-like process that owns the sandbox-wide pid namespace when {@code sandbox_pidns} is set: {@code unshare
 * --pid --fork sleep} (busybox), whose forked child is pid 1 of the new namespace. Containers join it through {@code
 * /proc/<child>/ns/pid}.
 */
public final class PidNamespaceHolder implements AutoCloseable {
  private static final int SIGKILL = 9;
  private final Posix posix;
  private final Spawned unshare;
  private final int holderPid;

  private PidNamespaceHolder(Posix posix, Spawned unshare, int holderPid) {
    this.posix = posix;
    this.unshare = unshare;
    this.holderPid = holderPid;
  }

  /**
   * Starts the holder and waits (bounded) until its child exists.
   *
   * @param command the unshare command line, e.g. {@code /bin/busybox unshare -p -f /bin/busybox sleep 2147483647}
   */
  public static PidNamespaceHolder start(ProcessLauncher launcher, Posix posix, List<String> command, Duration timeout)
      throws IOException {
    Spawned s =
        launcher.spawn(new SpawnSpec(command, List.of("PATH=/bin:/usr/bin"), Stdio.devNull(), Stdio.devNull(),
            new Stdio.Inherit()));
    Path children = Path.of("/proc", Integer.toString(s.pid()), "task", Integer.toString(s.pid()), "children");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && !s.exit().isDone()) {
      String kids = Files.exists(children) ? Files.readString(children).strip() : "";
      if (!kids.isEmpty()) {
        return new PidNamespaceHolder(posix, s, Integer.parseInt(kids.split("\\s+")[0]));
      }
      try {
        Thread.sleep(10); // no event for "child forked"; it takes milliseconds
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    posix.kill(s.pid(), SIGKILL);
    throw new IOException("sandbox pid namespace holder did not start: " + command);
  }

  /** The namespace file containers join. */
  public Path namespacePath() {
    return Path.of("/proc", Integer.toString(holderPid), "ns", "pid");
  }

  @Override
  public void close() {
    posix.kill(holderPid, SIGKILL);
    posix.kill(unshare.pid(), SIGKILL);
  }
}
