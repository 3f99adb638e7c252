package capsa.agent.proc;

import capsa.agent.sys.LibC;
import capsa.agent.sys.NativeException;
import capsa.agent.sys.Posix;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ProcessLauncher} on posix_spawn(3) with one reaper thread that owns every child status of the JVM.
 *
 * <p>The reaper first waits with {@code waitid(P_ALL, WEXITED | WNOWAIT)} (the zombie stays), then takes the lock and
 * reaps that one pid. Because reaping happens only under the lock, {@link #spawn} (which registers the new pid under
 * the same lock) and {@link #adopt} (which checks liveness under it) never miss an exit: a pid is either still a zombie
 * or its status is already in {@code unclaimed}.
 */
public final class NativeProcessLauncher implements ProcessLauncher {
  private static final Logger log = LoggerFactory.getLogger(NativeProcessLauncher.class);
  /** Statuses nobody asked for yet (orphans, container inits before adopt); oldest dropped first. */
  private static final int MAX_UNCLAIMED = 4096;
  private static final int SIGINFO_SIZE = 128;
  private static final int SIGINFO_PID_OFFSET = 16;
  private static final int SIGKILL = 9;
  private static final int SIGSTOP = 19;

  private final Posix posix;
  private final LibC libc;
  private final Object lock = new Object();

  @GuardedBy("lock")
  private final Map<Integer, CompletableFuture<ExitStatus>> waiters = new HashMap<>();

  @GuardedBy("lock")
  private final LinkedHashMap<Integer, ExitStatus> unclaimed =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, ExitStatus> eldest) {
          return size() > MAX_UNCLAIMED;
        }
      };

  private final Thread reaper;
  private volatile boolean closed;
  private final boolean closeFromSupported;

  public NativeProcessLauncher(Posix posix) {
    this.posix = posix;
    this.libc = posix.libc();
    this.closeFromSupported = probeCloseFrom();
    this.reaper = new Thread(this::reapLoop, "capsa-reaper");
    reaper.setDaemon(true);
    reaper.start();
  }

  /**
   * Makes this process a child subreaper, so that orphans (container inits, detached execs) come to us. Not needed
   * when the agent is PID 1.
   */
  public void becomeSubreaper() throws NativeException {
    if (libc.prctl(LibC.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
      throw posix.error("prctl(PR_SET_CHILD_SUBREAPER)");
    }
  }

  @Override
  public Spawned spawn(SpawnSpec spec) throws NativeException {
    String[] argv = spec.argv().toArray(new String[0]);
    String[] envp = spec.env().toArray(new String[0]);
    try (Memory actions = new Memory(LibC.SPAWN_FILE_ACTIONS_SIZE);
        Memory attr = new Memory(LibC.SPAWN_ATTR_SIZE);
        Memory emptySet = new Memory(LibC.SIGSET_SIZE);
        Memory defaultSet = new Memory(LibC.SIGSET_SIZE)) {
      check("posix_spawn_file_actions_init", libc.posix_spawn_file_actions_init(actions));
      check("posix_spawnattr_init", libc.posix_spawnattr_init(attr));
      try {
        addStdio(actions, spec.stdin(), 0);
        addStdio(actions, spec.stdout(), 1);
        addStdio(actions, spec.stderr(), 2);
        if (closeFromSupported) {
          // JDK descriptors are not all close-on-exec; runc would otherwise inherit them.
          check("addclosefrom", libc.posix_spawn_file_actions_addclosefrom_np(actions, 3));
        }
        // The JVM's threads block and ignore signals a child must not inherit.
        libc.sigemptyset(emptySet);
        libc.sigfillset(defaultSet);
        libc.sigdelset(defaultSet, SIGKILL);
        libc.sigdelset(defaultSet, SIGSTOP);
        check("setsigmask", libc.posix_spawnattr_setsigmask(attr, emptySet));
        check("setsigdefault", libc.posix_spawnattr_setsigdefault(attr, defaultSet));
        check(
            "setflags",
            libc.posix_spawnattr_setflags(
                attr, (short) (LibC.POSIX_SPAWN_SETSIGMASK | LibC.POSIX_SPAWN_SETSIGDEF)));
        IntByReference pid = new IntByReference();
        synchronized (lock) {
          int rc = libc.posix_spawn(pid, argv[0], actions, attr, argv, envp);
          if (rc != 0) {
            throw posix.error("posix_spawn " + argv[0], rc);
          }
          CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
          unclaimed.remove(pid.getValue());
          waiters.put(pid.getValue(), exit);
          lock.notifyAll();
          log.debug("Spawned pid {}: {}", pid.getValue(), spec.argv());
          return new Spawned(pid.getValue(), exit);
        }
      } finally {
        libc.posix_spawn_file_actions_destroy(actions);
        libc.posix_spawnattr_destroy(attr);
      }
    }
  }

  @Override
  public CompletableFuture<ExitStatus> adopt(int pid) {
    synchronized (lock) {
      CompletableFuture<ExitStatus> existing = waiters.get(pid);
      if (existing != null) {
        return existing;
      }
      int err = posix.kill(pid, 0);
      if (err == 0 || err == LibC.EPERM) {
        // Alive or an unreaped zombie: any remembered status for this pid belongs to an earlier process.
        unclaimed.remove(pid);
        CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
        waiters.put(pid, exit);
        lock.notifyAll();
        return exit;
      }
      ExitStatus status = unclaimed.remove(pid);
      if (status == null) {
        log.warn("Exit status of pid {} is lost (reaped elsewhere)", pid);
        status = ExitStatus.UNKNOWN;
      }
      return CompletableFuture.completedFuture(status);
    }
  }

  private void reapLoop() {
    try (Memory info = new Memory(SIGINFO_SIZE)) {
      IntByReference status = new IntByReference();
      while (!closed) {
        info.clear();
        int rc = libc.waitid(LibC.P_ALL, 0, info, LibC.WEXITED | LibC.WNOWAIT);
        if (rc != 0) {
          int errno = Native.getLastError();
          if (errno == LibC.ECHILD) {
            awaitChildren();
          } else if (errno != LibC.EINTR) {
            log.error("waitid failed: errno {}", errno);
            awaitChildren();
          }
          continue;
        }
        int pid = info.getInt(SIGINFO_PID_OFFSET);
        if (closed || pid <= 0) {
          continue;
        }
        synchronized (lock) {
          int reaped = libc.waitpid(pid, status, LibC.WNOHANG);
          if (reaped == pid) {
            dispatch(pid, ExitStatus.fromWaitStatus(status.getValue()));
          }
        }
      }
    }
  }

  private void awaitChildren() {
    synchronized (lock) {
      try {
        // Children only appear through spawn (which notifies); the timeout covers anything else.
        lock.wait(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closed = true;
      }
    }
  }

  @GuardedBy("lock")
  private void dispatch(int pid, ExitStatus status) {
    CompletableFuture<ExitStatus> waiter = waiters.remove(pid);
    log.debug("Reaped pid {}: {}", pid, status);
    if (waiter != null) {
      // Completing outside the reaper's critical path: callbacks may do blocking work.
      CompletableFuture.runAsync(() -> waiter.complete(status));
    } else {
      unclaimed.put(pid, status);
    }
  }

  private void addStdio(Memory actions, Stdio stdio, int target) throws NativeException {
    if (stdio instanceof Stdio.Inherit) {
      return;
    } else if (stdio instanceof Stdio.DevNull) {
      check("addopen", libc.posix_spawn_file_actions_addopen(actions, target, "/dev/null", LibC.O_RDWR, 0));
    } else if (stdio instanceof Stdio.FromFd fromFd) {
      check("adddup2", libc.posix_spawn_file_actions_adddup2(actions, fromFd.fd(), target));
    } else if (stdio instanceof Stdio.ToFile toFile) {
      check(
          "addopen",
          libc.posix_spawn_file_actions_addopen(
              actions,
              target,
              toFile.path().toString(),
              LibC.O_WRONLY | LibC.O_CREAT | LibC.O_TRUNC,
              0600));
    } else {
      throw new AssertionError(stdio);
    }
  }

  private void check(String call, int rc) throws NativeException {
    if (rc != 0) {
      throw posix.error(call, rc);
    }
  }

  private boolean probeCloseFrom() {
    try (Memory actions = new Memory(LibC.SPAWN_FILE_ACTIONS_SIZE)) {
      libc.posix_spawn_file_actions_init(actions);
      try {
        return libc.posix_spawn_file_actions_addclosefrom_np(actions, 3) == 0;
      } finally {
        libc.posix_spawn_file_actions_destroy(actions);
      }
    } catch (UnsatisfiedLinkError e) {
      log.warn("posix_spawn_file_actions_addclosefrom_np is missing (glibc < 2.34); children inherit JVM fds");
      return false;
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (lock) {
      lock.notifyAll();
    }
  }
}
