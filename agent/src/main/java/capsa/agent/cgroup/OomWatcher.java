package capsa.agent.cgroup;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches {@code memory.events} ({@code oom_kill}) of every container cgroup and queues the container id once per
 * rise of the counter, for the long-polling {@code GetOOMEvent}. Polls on a schedule: memory.events does support
 * inotify, but a poll every few hundred milliseconds is simpler and is what the host can fake.
 */
public final class OomWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OomWatcher.class);

  private final Object lock = new Object();

  @GuardedBy("lock")
  private final Map<String, Watched> watched = new HashMap<>();

  @GuardedBy("lock")
  private final ArrayDeque<String> events = new ArrayDeque<>();

  @GuardedBy("lock")
  private final ArrayDeque<CompletableFuture<String>> waiters = new ArrayDeque<>();

  private final java.util.concurrent.ScheduledFuture<?> task;

  private static final class Watched {
    final CgroupV2 cgroup;
    long lastKills;

    Watched(CgroupV2 cgroup, long lastKills) {
      this.cgroup = cgroup;
      this.lastKills = lastKills;
    }
  }

  public OomWatcher(ScheduledExecutorService scheduler, long periodMillis) {
    this.task = scheduler.scheduleWithFixedDelay(this::pollAll, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  public void watch(String containerId, CgroupV2 cgroup) {
    long now = kills(cgroup);
    synchronized (lock) {
      watched.put(containerId, new Watched(cgroup, now));
    }
  }

  /** Checks once more (so a kill just before removal is reported), then stops watching. */
  public void unwatch(String containerId) {
    check(containerId);
    synchronized (lock) {
      watched.remove(containerId);
    }
  }

  /** The next container that had an OOM kill. */
  public CompletableFuture<String> next() {
    synchronized (lock) {
      String id = events.poll();
      if (id != null) {
        return CompletableFuture.completedFuture(id);
      }
      CompletableFuture<String> f = new CompletableFuture<>();
      waiters.add(f);
      return f;
    }
  }

  void pollAll() {
    try {
      Iterable<String> ids;
      synchronized (lock) {
        ids = java.util.List.copyOf(watched.keySet());
      }
      ids.forEach(this::check);
    } catch (RuntimeException e) {
      log.warn("OOM poll failed", e);
    }
  }

  private void check(String containerId) {
    Watched w;
    synchronized (lock) {
      w = watched.get(containerId);
    }
    if (w == null) {
      return;
    }
    long kills = kills(w.cgroup);
    synchronized (lock) {
      if (kills > w.lastKills) {
        w.lastKills = kills;
        log.info("Container {} had an OOM kill", containerId);
        CompletableFuture<String> waiter;
        while ((waiter = waiters.poll()) != null) {
          if (waiter.complete(containerId)) {
            return;
          }
        }
        events.add(containerId);
      }
    }
  }

  private static long kills(CgroupV2 cg) {
    try {
      return cg.readKeyed("memory.events").getOrDefault("oom_kill", 0L);
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    task.cancel(false);
  }
}
