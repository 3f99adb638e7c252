package capsa.vsock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollEventLoopGroup;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connector and the dialer against a real Unix socket standing in for QEMU's chardev: the "guest" writes its
 * ready line after a delay, the way a booting VM does.
 */
class VirtioSerialConnectorTest {

  private final EpollEventLoopGroup group = new EpollEventLoopGroup(1);
  private Path dir;
  private Path sock;
  private ServerSocketChannel server;

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createTempDirectory("vser");
    sock = dir.resolve("agent.sock");
  }

  @AfterEach
  void tearDown() throws IOException {
    if (server != null) {
      server.close();
    }
    Files.deleteIfExists(sock);
    Files.deleteIfExists(dir);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Accepts one connection, waits, sends {@code firstLine}, then echoes one line back. */
  private CompletableFuture<String> guest(long delayMs, String firstLine) throws IOException {
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(sock));
    return CompletableFuture.supplyAsync(() -> {
      try (SocketChannel c = server.accept()) {
        Thread.sleep(delayMs); // the guest boots meanwhile
        c.write(ByteBuffer.wrap(firstLine.getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer in = ByteBuffer.allocate(256);
        while (in.position() == 0 || in.get(in.position() - 1) != '\n') {
          if (c.read(in) < 0) {
            return "EOF";
          }
        }
        String got = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
        c.write(ByteBuffer.wrap(("ECHO " + got).getBytes(StandardCharsets.US_ASCII)));
        return got.strip();
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
  }

  @Test
  void waitsForTheReadyLineThenCarriesRawBytes() throws Exception {
    CompletableFuture<String> g = guest(300, "CAPSA-AGENT-READY uptime=2.72\n");
    Channel ch = new VirtioSerialConnector(group)
        .connect(new AgentEndpoint.VirtioSerial(sock), Instant.now().plusSeconds(10)).get(15, TimeUnit.SECONDS);
    CompletableFuture<String> reply = new CompletableFuture<>();
    ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
      @Override
      protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
        reply.complete(msg.toString(StandardCharsets.US_ASCII));
      }
    });
    ch.writeAndFlush(ch.alloc().buffer().writeBytes("ping\n".getBytes(StandardCharsets.US_ASCII)));
    assertThat(g.get(10, TimeUnit.SECONDS)).isEqualTo("ping");
    assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("ECHO ping\n");
    ch.close().sync();
  }

  @Test
  void dialerRetriesUntilTheSocketExists() throws Exception {
    AgentDialer<AgentEndpoint.VirtioSerial> dialer = new AgentDialer<>(new VirtioSerialConnector(group), group,
        AgentDialer.Backoff.DEFAULT);
    CompletableFuture<Channel> f = dialer.dial(new AgentEndpoint.VirtioSerial(sock), Duration.ofSeconds(20));
    Thread.sleep(300); // let a few attempts fail on the missing socket
    assertThat(f).isNotDone();
    guest(100, "CAPSA-AGENT-READY uptime=0.5\n");
    Channel ch = f.get(15, TimeUnit.SECONDS);
    assertThat(ch.isActive()).isTrue();
    ch.close().sync();
  }

  @Test
  void dialerGivesUpAtTheDeadlineNamingEndpointAndCause() {
    AgentDialer<AgentEndpoint.VirtioSerial> dialer = new AgentDialer<>(new VirtioSerialConnector(group), group,
        AgentDialer.Backoff.DEFAULT);
    AgentEndpoint.VirtioSerial ep = new AgentEndpoint.VirtioSerial(sock);
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> dialer.dial(ep, Duration.ofMillis(600)).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause()
        .isInstanceOfSatisfying(AgentDialException.class, e -> {
          assertThat(e.endpoint()).isEqualTo(ep);
          assertThat(e.attempts()).isGreaterThan(1);
          assertThat(e.getMessage()).contains(sock.toString()).contains("Cannot connect");
        });
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aGuestThatNeverSpeaksTimesOutTheAttempt() throws Exception {
    guest(5_000, "too late\n");
    assertThatThrownBy(() -> new VirtioSerialConnector(group)
        .connect(new AgentEndpoint.VirtioSerial(sock), Instant.now().plusMillis(400)).get(10, TimeUnit.SECONDS))
        .cause().isInstanceOf(VirtioSerialReadyException.class).hasMessageContaining("attempt deadline");
  }
}
