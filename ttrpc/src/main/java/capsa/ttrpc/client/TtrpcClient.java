package capsa.ttrpc.client;

import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.frame.TtrpcFrameDecoder;
import capsa.ttrpc.frame.TtrpcFrameEncoder;
import com.google.errorprone.annotations.CanIgnoreReturnValue;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.MethodDescriptor;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A ttrpc client presented as a grpc-java {@link io.grpc.Channel}, so generated stubs (blocking, future,
 * async) work unchanged: {@code AgentServiceGrpc.newBlockingStub(client)}.
 *
 * <p>Unary calls only. Many calls may be in flight at once; each gets the next odd stream id. Deadlines
 * (from {@link CallOptions} or the {@link io.grpc.Context}) travel as {@code timeout_nano} and are also
 * enforced locally. Metadata from headers and client interceptors travels as ttrpc key/values. A remote
 * {@code google.rpc.Status} surfaces as that status; a lost connection fails pending calls with
 * {@code UNAVAILABLE}.
 *
 * <p>Thread-safe. The client owns its Netty channel: {@link #close()} closes it.
 */
public final class TtrpcClient extends io.grpc.Channel implements AutoCloseable {

  private final Channel channel;
  private final ClientConnectionHandler connection;
  private final Executor executor;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  private TtrpcClient(Channel channel, ClientConnectionHandler connection, Executor executor) {
    this.channel = channel;
    this.connection = connection;
    this.executor = executor;
    channel.closeFuture().addListener(f -> closed.complete(null));
  }

  /** Connects to a ttrpc server on a Unix socket; needs an epoll transport. */
  public static TtrpcClient connect(TtrpcTransport transport, Path socket) throws IOException {
    ClientConnectionHandler connection = new ClientConnectionHandler();
    ChannelFuture connected =
        new Bootstrap()
            .group(transport.eventLoopGroup())
            .channel(EpollDomainSocketChannel.class)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    install(ch, connection);
                  }
                })
            .connect(new DomainSocketAddress(socket.toFile()));
    connected.awaitUninterruptibly();
    if (!connected.isSuccess()) {
      throw new IOException("cannot connect to ttrpc server at " + socket, connected.cause());
    }
    return new TtrpcClient(connected.channel(), connection, transport.executor());
  }

  /**
   * Speaks ttrpc over an already connected channel of any transport (vsock after its handshake, a
   * virtio-serial bridge, a test pipe). Installs the codec at the end of its pipeline and turns auto-read
   * on; the client owns the channel from now on. Callbacks run on {@code executor} unless a call's
   * options name another.
   */
  public static TtrpcClient over(Channel channel, Executor executor) {
    Objects.requireNonNull(executor, "executor");
    ClientConnectionHandler connection = new ClientConnectionHandler();
    install(channel, connection);
    channel.config().setAutoRead(true);
    return new TtrpcClient(channel, connection, executor);
  }

  private static void install(Channel ch, ClientConnectionHandler connection) {
    ch.pipeline()
        .addLast("ttrpc-frame-decoder", new TtrpcFrameDecoder())
        .addLast("ttrpc-frame-encoder", new TtrpcFrameEncoder())
        .addLast("ttrpc-client", connection);
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> newCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions) {
    return new TtrpcClientCall<>(method, callOptions, channel, connection, executor);
  }

  @Override
  public String authority() {
    return "ttrpc";
  }

  /** Whether the connection is still open. */
  public boolean isOpen() {
    return channel.isActive();
  }

  /** Completes when the connection has closed, whoever closed it. */
  public CompletableFuture<Void> closeFuture() {
    return closed.copy();
  }

  /** Runs {@code action} on the client's executor once the connection has closed. */
  @CanIgnoreReturnValue
  public TtrpcClient onClose(Runnable action) {
    closed.thenRunAsync(action, executor);
    return this;
  }

  /** Closes the connection; pending calls fail with {@code UNAVAILABLE}. Does not wait. */
  @Override
  public void close() {
    channel.close();
  }

  /** The underlying Netty channel, for addresses and diagnostics. */
  public Channel nettyChannel() {
    return channel;
  }
}
