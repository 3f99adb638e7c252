package capsa.ttrpc.server;

import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.frame.TtrpcFrameDecoder;
import capsa.ttrpc.frame.TtrpcFrameEncoder;
import com.google.errorprone.annotations.CanIgnoreReturnValue;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ttrpc server for grpc-java services: every {@code ServerServiceDefinition} (for example a generated
 * {@code *ImplBase}) is reachable by its proto service name and method name.
 *
 * <p>Serve on a Unix socket with {@link #bind(Path)}, or on any connected Netty channel (vsock, a bridged
 * virtio-serial port, a test pipe) with {@link #serve(Channel)}. Unary calls only; requests on one
 * connection run concurrently on the transport's executor and are answered as they finish. A success
 * {@code Response} always carries an empty {@code status} (code 0), byte for byte what the Go server
 * sends.
 *
 * <p>Thread-safe.
 */
public final class TtrpcServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TtrpcServer.class);

  private final TtrpcTransport transport;
  private final ServiceRegistry registry;
  /** Null means the default, {@link PeerCheck#sameUser()}, resolved on first use (see {@link #peerCheck()}). */
  private final PeerCheck configuredPeerCheck;
  private volatile PeerCheck defaultPeerCheck;
  private final TtrpcFrameEncoder encoder = new TtrpcFrameEncoder();
  private final Map<Channel, Path> listeners = new ConcurrentHashMap<>();
  private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private TtrpcServer(Builder b) {
    this.transport = b.transport;
    this.registry = new ServiceRegistry(b.services);
    this.configuredPeerCheck = b.peerCheck;
  }

  /** Starts building a server whose connections and handlers run on {@code transport}. */
  public static Builder builder(TtrpcTransport transport) {
    return new Builder(transport);
  }

  /**
   * Listens on a Unix socket at {@code socket} (which must not exist), with file mode 0600. The file is
   * removed on {@link #close()}. Needs an epoll transport. Can be called more than once.
   */
  @CanIgnoreReturnValue
  public TtrpcServer bind(Path socket) throws IOException {
    checkOpen();
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(transport.eventLoopGroup())
            .channel(EpollServerDomainSocketChannel.class)
            .childHandler(
                new ChannelInitializer<EpollDomainSocketChannel>() {
                  @Override
                  protected void initChannel(EpollDomainSocketChannel ch) {
                    if (PeerCheckHandler.admit(ch, peerCheck())) {
                      install(ch);
                    }
                  }
                });
    ChannelFuture bound = bootstrap.bind(new DomainSocketAddress(socket.toFile()));
    bound.awaitUninterruptibly();
    if (!bound.isSuccess()) {
      throw new IOException("cannot listen on " + socket, bound.cause());
    }
    Channel listener = bound.channel();
    // The socket exists with the umask's mode for a moment; it is only reachable by its (private) path.
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    listeners.put(listener, socket);
    listener.closeFuture().addListener(f -> deleteSocket(socket));
    if (closed) {
      listener.close();
    }
    log.debug("ttrpc server listening on {}", socket);
    return this;
  }

  /**
   * Serves ttrpc on an already connected channel, whatever its transport. Installs the codec and the
   * connection handler at the end of its pipeline and turns auto-read on; the server owns the channel
   * from now on and closes it on {@link #close()}. Bytes the channel read before this call and did not
   * pass down the pipeline are not seen. Callable from any thread; off the channel's event loop the
   * install happens asynchronously on that loop.
   *
   * <p>An {@code EpollDomainSocketChannel} gets the peer check too and is closed if refused; a bridged fd
   * that is not a real socket peer should be served by a server built with {@link PeerCheck#allowAll()}.
   */
  public void serve(Channel channel) {
    checkOpen();
    // Installing from another thread would let the loop read (and drop) bytes between the handlers being added
    // and becoming active; on the channel's own loop the install is atomic with respect to reads.
    if (channel.eventLoop().inEventLoop()) {
      serveOnLoop(channel);
    } else {
      channel.eventLoop().execute(() -> serveOnLoop(channel));
    }
  }

  private void serveOnLoop(Channel channel) {
    if (channel instanceof EpollDomainSocketChannel uds && !PeerCheckHandler.admit(uds, peerCheck())) {
      return;
    }
    install(channel);
    channel.config().setAutoRead(true);
  }

  /**
   * Resolving our uid reads /proc, so it waits until a Unix-socket peer actually needs checking: a guest
   * agent serving vsock may build its server before /proc is mounted. Failing to resolve it rejects the
   * connection (the initializer's exception closes the channel).
   */
  private PeerCheck peerCheck() {
    if (configuredPeerCheck != null) {
      return configuredPeerCheck;
    }
    PeerCheck check = defaultPeerCheck;
    if (check == null) {
      check = PeerCheck.sameUser();
      defaultPeerCheck = check;
    }
    return check;
  }

  private void install(Channel channel) {
    connections.add(channel);
    channel.closeFuture().addListener(f -> connections.remove(channel));
    channel
        .pipeline()
        .addLast("ttrpc-frame-decoder", new TtrpcFrameDecoder())
        .addLast("ttrpc-frame-encoder", encoder)
        .addLast("ttrpc-server", new ServerConnectionHandler(registry, transport.executor()));
    if (closed) {
      channel.close();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("server is closed");
    }
  }

  private static void deleteSocket(Path socket) {
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      log.warn("cannot remove socket {}", socket, e);
    }
  }

  /** The services this server dispatches to, e.g. to serve them over gRPC too ({@code GrpcUnixServer}). */
  public List<ServerServiceDefinition> services() {
    return registry.services();
  }

  /** The Unix sockets this server listens on. */
  public List<Path> sockets() {
    return List.copyOf(listeners.values());
  }

  /** Stops listening and closes every connection; running handlers see their context cancelled. */
  @Override
  public void close() {
    closed = true;
    // The socket file goes now, not when the listener's close completes, so a caller that sees close() return
    // can rely on it being gone.
    listeners.forEach(
        (listener, socket) -> {
          listener.close();
          deleteSocket(socket);
        });
    connections.forEach(Channel::close);
  }

  /** Waits until every listener and connection is closed. Returns false on timeout. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Channel> all = new ArrayList<>(listeners.keySet());
    all.addAll(connections);
    for (Channel ch : all) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !ch.closeFuture().await(left, TimeUnit.NANOSECONDS)) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@link #close()} has been called. */
  public boolean isClosed() {
    return closed;
  }

  /** Collects services and options; {@link #build()} makes the server (not yet listening). */
  public static final class Builder {
    private final TtrpcTransport transport;
    private final List<ServerServiceDefinition> services = new ArrayList<>();
    private PeerCheck peerCheck; // null: PeerCheck.sameUser(), resolved when first needed

    private Builder(TtrpcTransport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
    }

    /** Adds a service definition (wrap it with {@code ServerInterceptors.intercept} for interceptors). */
    @CanIgnoreReturnValue
    public Builder addService(ServerServiceDefinition service) {
      services.add(Objects.requireNonNull(service, "service"));
      return this;
    }

    /** Adds a generated service implementation. */
    @CanIgnoreReturnValue
    public Builder addService(BindableService service) {
      return addService(service.bindService());
    }

    /** Who may connect over Unix sockets; default {@link PeerCheck#sameUser()}. */
    @CanIgnoreReturnValue
    public Builder peerCheck(PeerCheck check) {
      this.peerCheck = Objects.requireNonNull(check, "check");
      return this;
    }

    public TtrpcServer build() {
      return new TtrpcServer(this);
    }
  }
}
