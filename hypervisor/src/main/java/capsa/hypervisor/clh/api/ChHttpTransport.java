package capsa.hypervisor.clh.api;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP/1.1 exchange per connection over the API Unix socket: connect, send, aggregate the reply, close. The VMM
 * serves API requests one at a time anyway, and a fresh connection per call means a stuck call never blocks the
 * next one.
 */
final class ChHttpTransport {

  /** Replies are small JSON documents; {@code vm.info} with a large device tree stays far below this. */
  static final int MAX_REPLY_BYTES = 4 << 20;

  private final EventLoopGroup group;
  private final Path socket;

  ChHttpTransport(EventLoopGroup group, Path socket) {
    this.group = group;
    this.socket = socket;
  }

  /** Sends {@code request} (which this call releases) and completes with the retained full reply. */
  CompletableFuture<FullHttpResponse> exchange(FullHttpRequest request, Duration timeout) {
    CompletableFuture<FullHttpResponse> reply = new CompletableFuture<>();
    Bootstrap bootstrap =
        new Bootstrap()
            .group(group)
            .channel(EpollDomainSocketChannel.class)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(MAX_REPLY_BYTES))
                        .addLast(new ReplyHandler(reply));
                  }
                });
    ChannelFuture connect = bootstrap.connect(new DomainSocketAddress(socket.toString()));
    Channel channel = connect.channel();
    var timer =
        channel
            .eventLoop()
            .schedule(
                () -> {
                  if (reply.completeExceptionally(
                      new TimeoutException(
                          request.uri() + " got no reply within " + timeout.toMillis() + " ms"))) {
                    channel.close();
                  }
                },
                timeout.toNanos(),
                TimeUnit.NANOSECONDS);
    reply.whenComplete((r, e) -> {
      timer.cancel(false);
      channel.close();
    });
    connect.addListener(
        (ChannelFuture f) -> {
          if (!f.isSuccess()) {
            request.release();
            reply.completeExceptionally(
                new IOException("Cannot connect to the Cloud Hypervisor API socket " + socket, f.cause()));
            return;
          }
          f.channel()
              .writeAndFlush(request)
              .addListener(
                  w -> {
                    if (!w.isSuccess()) {
                      reply.completeExceptionally(w.cause());
                    }
                  });
        });
    return reply;
  }

  private static final class ReplyHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final CompletableFuture<FullHttpResponse> reply;

    ReplyHandler(CompletableFuture<FullHttpResponse> reply) {
      this.reply = reply;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
      FullHttpResponse kept = msg.retain();
      if (!reply.complete(kept)) {
        kept.release();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      reply.completeExceptionally(
          new IOException("Cloud Hypervisor closed the API connection before replying", new ClosedChannelException()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      reply.completeExceptionally(cause);
      ctx.close();
    }
  }
}
