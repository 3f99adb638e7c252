package capsa.vsock;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Connects to the Unix socket QEMU listens on for the agent's virtio-serial port and waits for the guest's ready line
 * ({@code CAPSA-AGENT-READY uptime=<s>\n}). The guest must speak first because bytes the host sends before the guest
 * opened its port are dropped; the ready line proves the port is open. Once read, the line handler is removed and the
 * channel is a raw byte stream for ttrpc.
 *
 * <p>The guest writes nothing after the ready line until the host speaks, so no ttrpc bytes can arrive before the
 * caller installs its handlers.
 */
public final class VirtioSerialConnector implements AgentConnector<AgentEndpoint.VirtioSerial> {

  /** The ready line the guest sent, set on the returned channel (e.g. for the boot timeline). */
  public static final AttributeKey<String> READY_LINE = AttributeKey.valueOf("capsa.agentReadyLine");

  private final EventLoopGroup group;

  /** @param group an epoll event loop group; the channel and the future's callbacks run on it */
  public VirtioSerialConnector(EventLoopGroup group) {
    this.group = group;
  }

  @Override
  public CompletableFuture<Channel> connect(AgentEndpoint.VirtioSerial endpoint, Instant attemptDeadline) {
    CompletableFuture<Channel> result = new CompletableFuture<>();
    long remainingNanos = Duration.between(Instant.now(), attemptDeadline).toNanos();
    if (remainingNanos <= 0) {
      result.completeExceptionally(
          new VirtioSerialReadyException("Attempt deadline passed before connecting to " + endpoint.socket()));
      return result;
    }
    ChannelFuture connect = new Bootstrap()
        .group(group)
        .channel(EpollDomainSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(remainingNanos))))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(ReadyLineHandler.NAME, new ReadyLineHandler(result));
          }
        })
        .connect(new DomainSocketAddress(endpoint.socket().toString()));
    Channel channel = connect.channel();
    var timer = channel.eventLoop().schedule(() -> {
      if (result.completeExceptionally(new VirtioSerialReadyException(
          "No ready line from the guest on " + endpoint.socket() + " before the attempt deadline"))) {
        channel.close();
      }
    }, remainingNanos, TimeUnit.NANOSECONDS);
    result.whenComplete((c, e) -> timer.cancel(false));
    connect.addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        result.completeExceptionally(
            new IOException("Cannot connect to virtio-serial socket " + endpoint.socket(), f.cause()));
      }
    });
    return result;
  }
}
