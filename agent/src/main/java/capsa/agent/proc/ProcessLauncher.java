package capsa.agent.proc;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * Starts programs and owns the exit status of every child of the agent, including orphans re-parented to it (the
 * agent is PID 1 or a child subreaper). One reaper per JVM: {@code java.lang.Process} must not be used next to it,
 * because its own reaper would steal statuses.
 */
public interface ProcessLauncher extends AutoCloseable {

  Spawned spawn(SpawnSpec spec) throws IOException;

  /**
   * The exit of a process that is not our direct child yet but will be re-parented to us (a container init after
   * {@code runc create} exits, a detached {@code runc exec} process). Works whether the process already ended and was
   * reaped or not.
   */
  CompletableFuture<ExitStatus> adopt(int pid);

  @Override
  void close();
}
