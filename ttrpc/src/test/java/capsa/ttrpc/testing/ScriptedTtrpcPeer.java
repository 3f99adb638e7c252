package capsa.ttrpc.testing;

import capsa.proto.ttrpc.Request;
import capsa.proto.ttrpc.Response;
import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.frame.DecodedFrame;
import capsa.ttrpc.frame.TtrpcFrame;
import capsa.ttrpc.frame.TtrpcFrameDecoder;
import capsa.ttrpc.frame.TtrpcFrameEncoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A raw ttrpc peer for server tests: sends whatever frames or bytes a test scripts, including invalid
 * ones, and hands back the frames the server sends, one by one.
 */
public final class ScriptedTtrpcPeer implements AutoCloseable {

  private final Channel channel;
  private final BlockingQueue<DecodedFrame> received;

  private ScriptedTtrpcPeer(Channel channel, BlockingQueue<DecodedFrame> received) {
    this.channel = channel;
    this.received = received;
  }

  public static ScriptedTtrpcPeer connect(TtrpcTransport transport, Path socket) throws IOException {
    BlockingQueue<DecodedFrame> received = new LinkedBlockingQueue<>();
    ChannelFuture f =
        new Bootstrap()
            .group(transport.eventLoopGroup())
            .channel(EpollDomainSocketChannel.class)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(new TtrpcFrameDecoder(), new TtrpcFrameEncoder())
                        .addLast(
                            new SimpleChannelInboundHandler<DecodedFrame>() {
                              @Override
                              protected void channelRead0(ChannelHandlerContext ctx, DecodedFrame msg) {
                                received.add(msg);
                              }
                            });
                  }
                })
            .connect(new DomainSocketAddress(socket.toFile()))
            .awaitUninterruptibly();
    if (!f.isSuccess()) {
      throw new IOException("cannot connect to " + socket, f.cause());
    }
    return new ScriptedTtrpcPeer(f.channel(), received);
  }

  public void send(TtrpcFrame frame) {
    channel.writeAndFlush(frame).syncUninterruptibly();
  }

  public void sendRequest(long streamId, Request request) {
    send(TtrpcFrame.request(streamId, request.toByteString()));
  }

  public void sendRaw(byte[] bytes) {
    channel.writeAndFlush(Unpooled.wrappedBuffer(bytes)).syncUninterruptibly();
  }

  /** The next frame from the server; fails the test after {@code timeout}. */
  public DecodedFrame next(Duration timeout) throws InterruptedException {
    DecodedFrame f = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (f == null) {
      throw new AssertionError("no frame from the server within " + timeout);
    }
    return f;
  }

  /** The next frame, which must be a Response, decoded. */
  public Reply nextResponse() throws Exception {
    DecodedFrame f = next(Duration.ofSeconds(30));
    if (!(f instanceof TtrpcFrame frame) || frame.type() != TtrpcFrame.TYPE_RESPONSE) {
      throw new AssertionError("expected a response frame, got " + f);
    }
    return new Reply(frame.streamId(), Response.parseFrom(frame.data()), frame);
  }

  /** Whether no frame arrives within {@code wait}. */
  public boolean quietFor(Duration wait) throws InterruptedException {
    return received.poll(wait.toMillis(), TimeUnit.MILLISECONDS) == null;
  }

  public boolean awaitClosed(Duration timeout) {
    return channel.closeFuture().awaitUninterruptibly(timeout.toMillis());
  }

  public Channel channel() {
    return channel;
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }

  /** A decoded response with its stream id and raw frame. */
  public record Reply(long streamId, Response response, TtrpcFrame frame) {
    public int code() {
      return response.getStatus().getCode();
    }

    public String message() {
      return response.getStatus().getMessage();
    }
  }
}
