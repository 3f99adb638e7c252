package capsa.vsock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollEventLoopGroup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connector over a real Unix socket against {@link ScriptedHybridVsockPeer}. */
class HybridVsockConnectorTest {

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
  void handshakeThenBytesFlowBothWays() throws Exception {
    Path socket = dir.resolve("clh.sock");
    try (var peer = new ScriptedHybridVsockPeer(socket, ScriptedHybridVsockPeer.Script.OK_THEN_ECHO)) {
      Channel ch = new HybridVsockConnector(group)
          .connect(new AgentEndpoint.HybridVsock(socket, 1024), Instant.now().plusSeconds(30))
          .get(60, TimeUnit.SECONDS);
      try {
        assertThat(peer.requestLines()).containsExactly("CONNECT 1024");
        CompletableFuture<String> echoed = new CompletableFuture<>();
        ch.eventLoop().submit(() -> ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            echoed.complete(msg.toString(StandardCharsets.US_ASCII));
          }
        })).sync();
        ch.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII));
        assertThat(echoed.get(30, TimeUnit.SECONDS)).isEqualTo("ping");
      } finally {
        ch.close().sync();
      }
    }
  }

  @Test
  void refusalIsAClearFailure() throws Exception {
    Path socket = dir.resolve("refuse.sock");
    try (var peer = new ScriptedHybridVsockPeer(socket, ScriptedHybridVsockPeer.Script.REFUSE)) {
      var attempt = new HybridVsockConnector(group)
          .connect(new AgentEndpoint.HybridVsock(socket, 1024), Instant.now().plusSeconds(30));
      assertThatThrownBy(() -> attempt.get(60, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(HybridVsockHandshakeException.class)
          .hasMessageContaining("replied 'ERR no listener'");
    }
  }

  @Test
  void silentPeerFailsAtTheAttemptDeadline() throws Exception {
    Path socket = dir.resolve("silent.sock");
    try (var peer = new ScriptedHybridVsockPeer(socket, ScriptedHybridVsockPeer.Script.SILENT)) {
      var attempt = new HybridVsockConnector(group)
          .connect(new AgentEndpoint.HybridVsock(socket, 1024), Instant.now().plus(Duration.ofMillis(300)));
      assertThatThrownBy(() -> attempt.get(60, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(HybridVsockHandshakeException.class)
          .hasMessageContaining("before the attempt deadline");
    }
  }

  @Test
  void missingSocketFailsNamingIt() {
    Path socket = dir.resolve("absent.sock");
    var attempt = new HybridVsockConnector(group)
        .connect(new AgentEndpoint.HybridVsock(socket, 1024), Instant.now().plusSeconds(30));
    assertThatThrownBy(() -> attempt.get(60, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("absent.sock");
    assertThat(Files.exists(socket)).isFalse();
  }

  @Test
  void deadlineAlreadyPassedFailsWithoutConnecting() {
    var attempt = new HybridVsockConnector(group)
        .connect(new AgentEndpoint.HybridVsock(dir.resolve("x.sock"), 1024), Instant.now().minusSeconds(1));
    assertThat(attempt).isCompletedExceptionally();
  }
}
