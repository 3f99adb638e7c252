package capsa.vsock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retry policy of the dialer with a scripted connector (no sockets). */
class AgentDialerTest {

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final AgentEndpoint.VirtioSerial ep = new AgentEndpoint.VirtioSerial(Path.of("/nowhere/agent.sock"));

  @AfterEach
  void tearDown() {
    scheduler.shutdownNow();
  }

  /** Fails the first {@code failures} attempts (one of them by throwing), then succeeds; records attempt deadlines. */
  private static final class ScriptedConnector implements AgentConnector<AgentEndpoint.VirtioSerial> {
    final AtomicInteger attempts = new AtomicInteger();
    final List<Instant> deadlines = new ArrayList<>();
    final int failures;

    ScriptedConnector(int failures) {
      this.failures = failures;
    }

    @Override
    public synchronized CompletableFuture<Channel> connect(AgentEndpoint.VirtioSerial e, Instant attemptDeadline) {
      deadlines.add(attemptDeadline);
      int n = attempts.incrementAndGet();
      if (n == 1) {
        throw new IllegalStateException("synchronous failure " + n);
      }
      if (n <= failures) {
        return CompletableFuture.failedFuture(new IOException("refused " + n));
      }
      return CompletableFuture.completedFuture(new EmbeddedChannel());
    }
  }

  @Test
  void retriesThroughFailuresIncludingThrownOnes() throws Exception {
    ScriptedConnector c = new ScriptedConnector(4);
    AgentDialer<AgentEndpoint.VirtioSerial> d = new AgentDialer<>(c, scheduler,
        new AgentDialer.Backoff(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(2)));
    Channel ch = d.dial(ep, Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
    assertThat(ch).isNotNull();
    assertThat(c.attempts.get()).isEqualTo(5);
    // Each attempt is bounded by the per-attempt timeout, well before the overall deadline.
    assertThat(c.deadlines.get(0)).isBefore(Instant.now().plusSeconds(3));
  }

  @Test
  void lastCauseIsReportedAtTheDeadline() {
    ScriptedConnector c = new ScriptedConnector(Integer.MAX_VALUE);
    AgentDialer<AgentEndpoint.VirtioSerial> d = new AgentDialer<>(c, scheduler,
        new AgentDialer.Backoff(Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofSeconds(1)));
    assertThatThrownBy(() -> d.dial(ep, Duration.ofMillis(300)).get(10, TimeUnit.SECONDS)).cause()
        .isInstanceOf(AgentDialException.class)
        .hasMessageContaining("/nowhere/agent.sock")
        .hasMessageContaining("IOException: refused")
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void cancellingStopsFurtherAttempts() throws Exception {
    ScriptedConnector c = new ScriptedConnector(Integer.MAX_VALUE);
    AgentDialer<AgentEndpoint.VirtioSerial> d = new AgentDialer<>(c, scheduler,
        new AgentDialer.Backoff(Duration.ofMillis(20), Duration.ofMillis(20), Duration.ofSeconds(1)));
    CompletableFuture<Channel> f = d.dial(ep, Duration.ofSeconds(30));
    Thread.sleep(100); // a few attempts happen meanwhile
    f.cancel(false);
    int after = c.attempts.get();
    Thread.sleep(200); // and no more after the cancel (at most one already scheduled)
    assertThat(c.attempts.get()).isLessThanOrEqualTo(after + 1);
  }
}
