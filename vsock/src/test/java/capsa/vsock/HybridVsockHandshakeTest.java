package capsa.vsock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Golden bytes of the hybrid vsock handshake, fed through an {@link EmbeddedChannel}. */
class HybridVsockHandshakeTest {

  private final CompletableFuture<Channel> result = new CompletableFuture<>();
  private final EmbeddedChannel channel = new EmbeddedChannel(new HybridVsockHandshake(1024, result));

  @Test
  void sendsExactlyTheConnectLine() {
    ByteBuf sent = channel.readOutbound();
    assertThat(ByteBufUtil.getBytes(sent)).isEqualTo("CONNECT 1024\n".getBytes(StandardCharsets.US_ASCII));
    sent.release();
    Object next = channel.readOutbound();
    assertThat(next).isNull();
    assertThat(result).isNotDone();
  }

  @Test
  void okLineCompletesAndRemovesTheHandshake() throws Exception {
    channel.writeInbound(ascii("OK 1073741824\n"));
    assertThat(result.get()).isSameAs(channel);
    assertThat(channel.pipeline().get(HybridVsockHandshake.class)).isNull();
    // Bytes after the handshake pass through untouched, ready for ttrpc.
    channel.writeInbound(ascii("ttrpc"));
    ByteBuf passed = channel.readInbound();
    assertThat(passed.toString(StandardCharsets.US_ASCII)).isEqualTo("ttrpc");
    passed.release();
  }

  @Test
  void replySplitAcrossReadsIsReassembled() throws Exception {
    channel.writeInbound(ascii("O"));
    channel.writeInbound(ascii("K 7"));
    assertThat(result).isNotDone();
    channel.writeInbound(ascii("\r\n"));
    assertThat(result.get()).isSameAs(channel);
  }

  @Test
  void bareOkIsAccepted() throws Exception {
    channel.writeInbound(ascii("OK\n"));
    assertThat(result.get()).isSameAs(channel);
  }

  @Test
  void refusalFailsWithTheReplyText() {
    channel.writeInbound(ascii("ERR no listener\n"));
    assertFailure("refused CONNECT 1024, replied 'ERR no listener'");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void bytesAfterOkBeforeTheHostSpokeAreRejected() {
    channel.writeInbound(ascii("OK 5\nsurprise"));
    assertFailure("sent 8 bytes after OK");
  }

  @Test
  void overlongReplyIsRejected() {
    channel.writeInbound(ascii("X".repeat(HybridVsockHandshake.MAX_REPLY_LINE + 1)));
    assertFailure("longer than 64 bytes");
  }

  @Test
  void closeBeforeReplyFails() {
    channel.close();
    assertFailure("closed the connection before answering CONNECT 1024");
  }

  @Test
  void randomRepliesNeverCompleteWithoutOk() {
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 200; i++) {
      CompletableFuture<Channel> r = new CompletableFuture<>();
      EmbeddedChannel ch = new EmbeddedChannel(new HybridVsockHandshake(1024, r));
      byte[] noise = new byte[random.nextInt(100)];
      random.nextBytes(noise);
      ch.writeInbound(Unpooled.wrappedBuffer(noise));
      boolean startsOk = noise.length >= 2 && noise[0] == 'O' && noise[1] == 'K';
      if (!startsOk) {
        assertThat(r.isDone() && !r.isCompletedExceptionally()).isFalse();
      }
      ch.finishAndReleaseAll();
    }
  }

  private void assertFailure(String text) {
    assertThatThrownBy(result::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(HybridVsockHandshakeException.class)
        .hasMessageContaining(text);
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }
}
