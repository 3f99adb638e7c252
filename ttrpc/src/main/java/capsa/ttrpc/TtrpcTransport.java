package capsa.ttrpc;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads ttrpc servers and clients run on: an epoll {@link EventLoopGroup} for I/O and codecs, and
 * an executor for application code (server handlers, client callbacks), which may block. Created by the
 * composition root and passed to {@code TtrpcServer} and {@code TtrpcClient}; never a static.
 *
 * <p>{@link #create} owns its threads and shuts them down on {@link #close()}; {@link #wrap} borrows
 * threads owned by someone else and closes nothing.
 */
public final class TtrpcTransport implements AutoCloseable {

  private final EventLoopGroup eventLoopGroup;
  private final Executor executor;
  private final boolean owned;

  private TtrpcTransport(EventLoopGroup eventLoopGroup, Executor executor, boolean owned) {
    this.eventLoopGroup = Objects.requireNonNull(eventLoopGroup, "eventLoopGroup");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.owned = owned;
  }

  /**
   * Creates and owns an epoll group of {@code ioThreads} and a bounded handler pool: at most
   * {@code handlerThreads} threads (idle ones time out) and {@code queueCapacity} waiting calls; calls
   * beyond that are answered {@code RESOURCE_EXHAUSTED}.
   */
  public static TtrpcTransport create(int ioThreads, int handlerThreads, int queueCapacity) {
    Epoll.ensureAvailability();
    EventLoopGroup group = new EpollEventLoopGroup(ioThreads, new DefaultThreadFactory("ttrpc-io", true));
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            handlerThreads,
            handlerThreads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(queueCapacity),
            new DefaultThreadFactory("ttrpc-handler", true));
    pool.allowCoreThreadTimeOut(true);
    return new TtrpcTransport(group, pool, true);
  }

  /** One I/O thread, 64 handler threads, 1024 queued calls: enough for a shim, an agent or a test. */
  public static TtrpcTransport createDefault() {
    return create(1, 64, 1024);
  }

  /** Borrows an existing epoll group and executor; {@link #close()} leaves them running. */
  public static TtrpcTransport wrap(EventLoopGroup eventLoopGroup, Executor executor) {
    return new TtrpcTransport(eventLoopGroup, executor, false);
  }

  public EventLoopGroup eventLoopGroup() {
    return eventLoopGroup;
  }

  /** Where handlers and client callbacks run. */
  public Executor executor() {
    return executor;
  }

  /** Shuts down owned threads and waits up to five seconds for them. */
  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  /** Shuts down owned threads and waits up to {@code timeout} for them. */
  public void close(Duration timeout) {
    if (!owned) {
      return;
    }
    eventLoopGroup.shutdownGracefully(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
    ExecutorService pool = (ExecutorService) executor;
    pool.shutdown();
    try {
      eventLoopGroup.terminationFuture().await(timeout.toMillis());
      pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
