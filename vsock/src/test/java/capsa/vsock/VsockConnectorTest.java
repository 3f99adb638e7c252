package capsa.vsock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * What of the AF_VSOCK connector can run on a host without vhost-vsock and without vsock loopback. Nothing here
 * connects an AF_VSOCK socket: a real vsock connection is tested inside a guest with {@code vsock_loopback}.
 */
class VsockConnectorTest {

  private static EpollEventLoopGroup group;

  @TempDir Path dir;

  @BeforeAll
  static void startLoop() {
    group = new EpollEventLoopGroup(1);
  }

  @AfterAll
  static void stopLoop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void hostCidsAreRefusedByTheEndpoint() {
    assertThatThrownBy(() -> new AgentEndpoint.Vsock(2, 1024)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AgentEndpoint.Vsock(1, 1024)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void passedDeadlineFailsWithoutConnecting() {
    VsockConnector connector = new VsockConnector(group, r -> {
      throw new AssertionError("must not reach the blocking executor");
    });
    CompletableFuture<Channel> attempt = connector.connect(new AgentEndpoint.Vsock(3, 1024), Instant.now());
    assertThatThrownBy(attempt::join).cause().isInstanceOf(ConnectException.class)
        .hasMessageContaining("deadline passed");
  }

  /** The wrapping step, on a connected Unix stream socket: bytes flow both ways through the epoll channel. */
  @Test
  void connectedDescriptorBecomesAWorkingChannel() throws Exception {
    Path path = dir.resolve("s.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
      LinuxSocket client = LinuxSocket.newSocketDomain();
      client.connect(new DomainSocketAddress(path.toString()));
      try (SocketChannel peer = server.accept()) {
        Channel ch = VsockConnector.wrapConnected(VsockLibC.load(), client.intValue());
        CompletableFuture<String> received = new CompletableFuture<>();
        ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            received.complete(msg.toString(StandardCharsets.US_ASCII));
          }
        });
        group.register(ch).sync();
        try {
          assertThat(ch.isActive()).isTrue();
          ch.writeAndFlush(Unpooled.copiedBuffer("host", StandardCharsets.US_ASCII)).sync();
          ByteBuffer in = ByteBuffer.allocate(4);
          while (in.hasRemaining()) {
            peer.read(in);
          }
          assertThat(new String(in.array(), StandardCharsets.US_ASCII)).isEqualTo("host");
          peer.write(ByteBuffer.wrap("guest".getBytes(StandardCharsets.US_ASCII)));
          assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo("guest");
        } finally {
          ch.close().sync();
        }
      }
    }
  }

  /** An AF_VSOCK descriptor can be built and wrapped (no connect, so no traffic leaves this host). */
  @Test
  void vsockDescriptorCanBeWrapped() throws Exception {
    LinuxSocket socket;
    try {
      socket = LinuxSocket.newVSockStream();
    } catch (Exception | Error e) {
      throw new TestAbortedException("AF_VSOCK sockets are not available here: " + e);
    }
    Channel ch = VsockConnector.wrapConnected(VsockLibC.load(), socket.intValue());
    assertThat(ch.isOpen()).isTrue();
    ch.unsafe().closeForcibly();
    assertThat(ch.isOpen()).isFalse();
  }
}
