package capsa.vsock;

import io.netty.channel.Channel;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries one {@link AgentConnector} until the agent answers or an overall deadline passes, with a small exponential
 * back-off between attempts (the guest is usually still booting; a tight loop would only burn the CPU it needs).
 * Fails with {@link AgentDialException} naming the endpoint and the last attempt's cause.
 *
 * <p>Threading: non-blocking; attempts are scheduled on the given executor (an event loop group is fine).
 */
public final class AgentDialer<E extends AgentEndpoint> {

  private static final Logger LOG = LoggerFactory.getLogger(AgentDialer.class);

  /**
   * Back-off between attempts and the bound of one attempt.
   *
   * @param initial delay after the first failure
   * @param max ceiling for the delay
   * @param attemptTimeout one attempt (connect + handshake/ready line) gives up after this
   */
  public record Backoff(Duration initial, Duration max, Duration attemptTimeout) {
    /** 20 ms doubling to 250 ms; 10 s per attempt (Kata's hybrid-vsock handshake bound). */
    public static final Backoff DEFAULT =
        new Backoff(Duration.ofMillis(20), Duration.ofMillis(250), Duration.ofSeconds(10));

    public Backoff {
      Objects.requireNonNull(initial, "initial");
      Objects.requireNonNull(max, "max");
      Objects.requireNonNull(attemptTimeout, "attemptTimeout");
    }
  }

  private final AgentConnector<E> connector;
  private final ScheduledExecutorService scheduler;
  private final Backoff backoff;

  public AgentDialer(AgentConnector<E> connector, ScheduledExecutorService scheduler, Backoff backoff) {
    this.connector = connector;
    this.scheduler = scheduler;
    this.backoff = backoff;
  }

  /**
   * Dials until a connector attempt succeeds or {@code timeout} passes. Cancelling the returned future stops further
   * attempts.
   */
  public CompletableFuture<Channel> dial(E endpoint, Duration timeout) {
    CompletableFuture<Channel> result = new CompletableFuture<>();
    Instant deadline = Instant.now().plus(timeout);
    attempt(endpoint, timeout, deadline, result, 1, backoff.initial(), null);
    return result;
  }

  private void attempt(E endpoint, Duration timeout, Instant deadline, CompletableFuture<Channel> result, int n,
      Duration delay, Throwable last) {
    if (result.isDone()) {
      return;
    }
    Instant now = Instant.now();
    if (!now.isBefore(deadline)) {
      result.completeExceptionally(new AgentDialException(endpoint, timeout, n - 1, last));
      return;
    }
    Instant attemptDeadline = now.plus(backoff.attemptTimeout());
    if (attemptDeadline.isAfter(deadline)) {
      attemptDeadline = deadline;
    }
    CompletableFuture<Channel> f;
    try {
      f = connector.connect(endpoint, attemptDeadline);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete((ch, err) -> {
      if (err == null) {
        if (!result.complete(ch)) {
          ch.close(); // the caller gave up meanwhile
        }
        return;
      }
      Throwable cause = unwrap(err);
      LOG.debug("Agent dial attempt {} to {} failed: {}", n, endpoint, cause.toString());
      long waitMs = Math.min(delay.toMillis(), Math.max(0, Duration.between(Instant.now(), deadline).toMillis()));
      Duration next = delay.multipliedBy(2).compareTo(backoff.max()) > 0 ? backoff.max() : delay.multipliedBy(2);
      try {
        scheduler.schedule(() -> attempt(endpoint, timeout, deadline, result, n + 1, next, cause), waitMs,
            TimeUnit.MILLISECONDS);
      } catch (RuntimeException rejected) {
        // The executor is shutting down: report what we have rather than hang.
        result.completeExceptionally(new AgentDialException(endpoint, timeout, n, cause));
      }
    });
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
