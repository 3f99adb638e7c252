package capsa.agent.container;

import capsa.agent.io.ProcessIo;
import capsa.agent.proc.ExitStatus;
import java.util.concurrent.CompletableFuture;

/**
 * A process of a container (its init, or one exec): pid, stdio and the exit future the reaper completes.
 */
public final class ContainerProcess {
  private final String execId;
  private final int pid;
  private final ProcessIo io;
  private final CompletableFuture<ExitStatus> exit;
  private volatile ProcessState state;

  public ContainerProcess(String execId, int pid, ProcessIo io, CompletableFuture<ExitStatus> exit) {
    this.execId = execId;
    this.pid = pid;
    this.io = io;
    this.state = new ProcessState.Running(pid);
    // Everyone waits on the future that completes after the state change, so a waiter never sees "running".
    this.exit =
        exit.thenApply(
            status -> {
              state = new ProcessState.Exited(pid, status);
              return status;
            });
  }

  public String execId() {
    return execId;
  }

  public int pid() {
    return pid;
  }

  public ProcessIo io() {
    return io;
  }

  public CompletableFuture<ExitStatus> exit() {
    return exit;
  }

  public ProcessState state() {
    return state;
  }

  public boolean exited() {
    return state instanceof ProcessState.Exited;
  }
}
