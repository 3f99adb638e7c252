package capsa.ttrpc.server;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: the per-call ordering grpc-java
 * guarantees to {@code ServerCall.Listener}s, without a thread per call.
 */
final class SerializingExecutor implements Executor {

  private static final Logger log = LoggerFactory.getLogger(SerializingExecutor.class);

  private final Executor delegate;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  SerializingExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  /**
   * Queues {@code task}. Throws {@link java.util.concurrent.RejectedExecutionException} if the delegate
   * refuses to run the drain; the task is then dropped.
   */
  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    schedule();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        delegate.execute(this::drain);
      } catch (RuntimeException rejected) {
        tasks.clear();
        scheduled.set(false);
        throw rejected;
      }
    }
  }

  private void drain() {
    try {
      Runnable task;
      while ((task = tasks.poll()) != null) {
        try {
          task.run();
        } catch (RuntimeException e) {
          log.error("call task failed", e);
        }
      }
    } finally {
      scheduled.set(false);
    }
    // A task may have arrived between the last poll and the reset above.
    if (!tasks.isEmpty()) {
      schedule();
    }
  }
}
