package capsa.vsock;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Connects to an agent behind a VMM's hybrid vsock socket (Cloud Hypervisor, Firecracker): Unix socket connect, then
 * the {@link HybridVsockHandshake}. One attempt; the whole attempt (connect and handshake) is bounded by its
 * deadline, because a guest kernel race can leave the VMM silent.
 */
public final class HybridVsockConnector implements AgentConnector<AgentEndpoint.HybridVsock> {

  private final EventLoopGroup group;

  /** @param group an epoll event loop group; the channel and the future's callbacks run on it */
  public HybridVsockConnector(EventLoopGroup group) {
    this.group = group;
  }

  @Override
  public CompletableFuture<Channel> connect(AgentEndpoint.HybridVsock endpoint, Instant attemptDeadline) {
    CompletableFuture<Channel> result = new CompletableFuture<>();
    long remainingNanos = Duration.between(Instant.now(), attemptDeadline).toNanos();
    if (remainingNanos <= 0) {
      result.completeExceptionally(
          new HybridVsockHandshakeException("Attempt deadline passed before connecting to " + endpoint.socket()));
      return result;
    }
    ChannelFuture connect =
        new Bootstrap()
            .group(group)
            .channel(EpollDomainSocketChannel.class)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(remainingNanos))))
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast("hybrid-vsock-handshake", new HybridVsockHandshake(endpoint.port(), result));
                  }
                })
            .connect(new DomainSocketAddress(endpoint.socket().toString()));
    Channel channel = connect.channel();
    var timer =
        channel
            .eventLoop()
            .schedule(
                () -> {
                  if (result.completeExceptionally(
                      new HybridVsockHandshakeException(
                          "No reply to CONNECT " + endpoint.port() + " on " + endpoint.socket()
                              + " before the attempt deadline"))) {
                    channel.close();
                  }
                },
                remainingNanos,
                TimeUnit.NANOSECONDS);
    result.whenComplete((c, e) -> timer.cancel(false));
    connect.addListener(
        (ChannelFuture f) -> {
          if (!f.isSuccess()) {
            result.completeExceptionally(
                new IOException("Cannot connect to hybrid vsock socket " + endpoint.socket(), f.cause()));
          }
        });
    return result;
  }
}
