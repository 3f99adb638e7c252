package capsa.ttrpc.grpc;

import capsa.ttrpc.TtrpcTransport;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * The same grpc-java services a {@code TtrpcServer} serves, over real gRPC (HTTP/2) on a Unix socket:
 * containerd 1.7+ can talk gRPC to a shim that asks for it. Built on grpc-netty with epoll domain sockets
 * and the transport's threads. The socket gets mode 0600 and is removed on {@link #close()}; there is no
 * SO_PEERCRED check here (grpc-netty does not expose the peer credentials), the file mode is the guard.
 */
public final class GrpcUnixServer implements AutoCloseable {

  private final Server server;
  private final Path socket;

  private GrpcUnixServer(Server server, Path socket) {
    this.server = server;
    this.socket = socket;
  }

  /** Starts serving {@code services} on a new Unix socket at {@code socket}. */
  public static GrpcUnixServer start(
      TtrpcTransport transport, Path socket, Collection<ServerServiceDefinition> services)
      throws IOException {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toFile()))
            .channelType(EpollServerDomainSocketChannel.class)
            .bossEventLoopGroup(transport.eventLoopGroup())
            .workerEventLoopGroup(transport.eventLoopGroup())
            .executor(transport.executor());
    services.forEach(builder::addService);
    Server server = builder.build().start();
    try {
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      server.shutdownNow();
      throw e;
    }
    return new GrpcUnixServer(server, socket);
  }

  public Path socket() {
    return socket;
  }

  /** Stops accepting and cancels running calls; removes the socket file. */
  @Override
  public void close() {
    server.shutdownNow();
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      // Best effort: a stale socket is replaced by the next bind's owner.
    }
  }

  /** Waits for the server to terminate after {@link #close()}; false on timeout. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return server.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
