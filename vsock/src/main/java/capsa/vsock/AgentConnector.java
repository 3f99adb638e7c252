package capsa.vsock;

import io.netty.channel.Channel;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Opens one connection to an agent endpoint and completes once the channel is ready for ttrpc (any handshake done,
 * handshake handlers removed from the pipeline). One implementation per {@link AgentEndpoint} kind.
 *
 * <p>A single attempt only: retrying until the agent answers is {@link AgentDialer}'s job.
 */
public interface AgentConnector<E extends AgentEndpoint> {

  /**
   * Starts one connection attempt.
   *
   * @param endpoint where to connect
   * @param attemptDeadline when this attempt (connect plus handshake) must give up
   * @return a future completed with the ready channel, or failed with the cause of this attempt's failure
   */
  CompletableFuture<Channel> connect(E endpoint, Instant attemptDeadline);
}
