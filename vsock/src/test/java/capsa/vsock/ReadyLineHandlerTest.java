package capsa.vsock;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Golden bytes through the ready-line handler. */
class ReadyLineHandlerTest {

  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  @Test
  void readyLineInPiecesCompletesAndRemovesTheHandler() {
    CompletableFuture<Channel> f = new CompletableFuture<>();
    EmbeddedChannel ch = new EmbeddedChannel(new ReadyLineHandler(f));
    ch.writeInbound(ascii("CAPSA-AGENT-RE"));
    assertThat(f).isNotDone();
    ch.writeInbound(ascii("ADY uptime=2.72\n"));
    assertThat(f).isCompletedWithValue(ch);
    assertThat(ch.pipeline().get(ReadyLineHandler.NAME)).isNull();
    assertThat(ch.attr(VirtioSerialConnector.READY_LINE).get()).isEqualTo("CAPSA-AGENT-READY uptime=2.72");
    // From now on bytes pass through untouched (ttrpc's turn).
    ch.writeInbound(ascii("\u0000\u0000\u0000\u0004"));
    ByteBuf passed = ch.readInbound();
    assertThat(passed.readableBytes()).isEqualTo(4);
    passed.release();
  }

  @Test
  void crlfIsAccepted() {
    CompletableFuture<Channel> f = new CompletableFuture<>();
    EmbeddedChannel ch = new EmbeddedChannel(new ReadyLineHandler(f));
    ch.writeInbound(ascii("CAPSA-AGENT-READY uptime=1.00\r\n"));
    assertThat(f).isCompleted();
    assertThat(ch.attr(VirtioSerialConnector.READY_LINE).get()).isEqualTo("CAPSA-AGENT-READY uptime=1.00");
  }

  @Test
  void anotherFirstLineFailsAndCloses() {
    CompletableFuture<Channel> f = new CompletableFuture<>();
    EmbeddedChannel ch = new EmbeddedChannel(new ReadyLineHandler(f));
    ch.writeInbound(ascii("ECHO hello\n"));
    assertThat(f).isCompletedExceptionally();
    assertThat(f.handle((c, t) -> t).join()).isInstanceOf(VirtioSerialReadyException.class)
        .hasMessageContaining("'ECHO hello'");
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void prefixMustBeAWholeWord() {
    CompletableFuture<Channel> f = new CompletableFuture<>();
    EmbeddedChannel ch = new EmbeddedChannel(new ReadyLineHandler(f));
    ch.writeInbound(ascii("CAPSA-AGENT-READYX\n"));
    assertThat(f).isCompletedExceptionally();
  }

  @Test
  void overlongLineWithoutNewlineFails() {
    CompletableFuture<Channel> f = new CompletableFuture<>();
    EmbeddedChannel ch = new EmbeddedChannel(new ReadyLineHandler(f));
    ch.writeInbound(ascii("x".repeat(ReadyLineHandler.MAX_LINE + 1)));
    assertThat(f).isCompletedExceptionally();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void closeBeforeTheLineFails() {
    CompletableFuture<Channel> f = new CompletableFuture<>();
    EmbeddedChannel ch = new EmbeddedChannel(new ReadyLineHandler(f));
    ch.writeInbound(ascii("CAPSA-AG"));
    ch.close();
    assertThat(f.handle((c, t) -> t).join()).isInstanceOf(VirtioSerialReadyException.class)
        .hasMessageContaining("closed before");
  }

  @Test
  void randomGarbageNeverHangsTheFuture() {
    java.util.Random r = new java.util.Random(42);
    for (int i = 0; i < 200; i++) {
      CompletableFuture<Channel> f = new CompletableFuture<>();
      EmbeddedChannel ch = new EmbeddedChannel(new ReadyLineHandler(f));
      byte[] b = new byte[r.nextInt(400) + 1];
      r.nextBytes(b);
      ch.writeInbound(Unpooled.wrappedBuffer(b));
      ch.close();
      assertThat(f).isDone();
    }
  }
}
