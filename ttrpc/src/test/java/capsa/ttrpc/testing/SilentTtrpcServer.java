package capsa.ttrpc.testing;

import capsa.proto.ttrpc.Request;
import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.frame.TtrpcFrame;
import capsa.ttrpc.frame.TtrpcFrameDecoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A ttrpc peer that reads requests and never answers: for client deadline and disconnect tests. */
public final class SilentTtrpcServer implements AutoCloseable {

  private final Channel listener;
  private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
  private final BlockingQueue<TtrpcFrame> requests = new LinkedBlockingQueue<>();

  public SilentTtrpcServer(TtrpcTransport transport, Path socket) {
    ChannelFuture f =
        new ServerBootstrap()
            .group(transport.eventLoopGroup())
            .channel(EpollServerDomainSocketChannel.class)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    connections.add(ch);
                    ch.pipeline()
                        .addLast(new TtrpcFrameDecoder())
                        .addLast(
                            new SimpleChannelInboundHandler<TtrpcFrame>() {
                              @Override
                              protected void channelRead0(ChannelHandlerContext ctx, TtrpcFrame frame) {
                                requests.add(frame);
                              }
                            });
                  }
                })
            .bind(new DomainSocketAddress(socket.toFile()))
            .syncUninterruptibly();
    listener = f.channel();
  }

  /** The next request frame received, or null after {@code seconds}. */
  public TtrpcFrame nextFrame(int seconds) throws InterruptedException {
    return requests.poll(seconds, TimeUnit.SECONDS);
  }

  /** The next request received, decoded, or null after {@code seconds}. */
  public Request nextRequest(int seconds) throws Exception {
    TtrpcFrame frame = nextFrame(seconds);
    return frame == null ? null : Request.parseFrom(frame.data());
  }

  /** Hangs up on every client. */
  public void dropConnections() {
    connections.forEach(c -> c.close().syncUninterruptibly());
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    dropConnections();
  }
}
