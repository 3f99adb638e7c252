package capsa.agent.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class OutputBufferTest {

  @Test
  void pendingReaderGetsDataThenEmptyAtEof() throws Exception {
    OutputBuffer b = new OutputBuffer(16);
    CompletableFuture<byte[]> r = b.read(100);
    assertThat(r).isNotDone();
    b.write("hello".getBytes(StandardCharsets.US_ASCII), 0, 5);
    assertThat(new String(r.get(1, TimeUnit.SECONDS), StandardCharsets.US_ASCII)).isEqualTo("hello");
    b.finish();
    assertThat(b.read(100).get(1, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void dataBufferedBeforeEofIsStillDelivered() throws Exception {
    OutputBuffer b = new OutputBuffer(16);
    b.write("abcdef".getBytes(StandardCharsets.US_ASCII), 0, 6);
    b.finish();
    assertThat(b.read(4).get(1, TimeUnit.SECONDS)).containsExactly('a', 'b', 'c', 'd');
    assertThat(b.read(4).get(1, TimeUnit.SECONDS)).containsExactly('e', 'f');
    assertThat(b.read(4).get(1, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void writerBlocksWhenFullUntilAReaderDrains() throws Exception {
    OutputBuffer b = new OutputBuffer(8);
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              try {
                b.write(new byte[20], 0, 20);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (b.buffered() < 8 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(b.buffered()).isEqualTo(8);
    assertThat(writer).isNotDone();
    int total = 0;
    while (total < 20) {
      total += b.read(8).get(5, TimeUnit.SECONDS).length;
      assertThat(b.buffered()).isLessThanOrEqualTo(8);
    }
    writer.get(5, TimeUnit.SECONDS);
  }

  @Test
  void discardUnblocksTheWriter() throws Exception {
    OutputBuffer b = new OutputBuffer(4);
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              try {
                b.write(new byte[100], 0, 100);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    b.discard();
    writer.get(5, TimeUnit.SECONDS);
    assertThat(b.read(10).get(1, TimeUnit.SECONDS)).isEmpty();
  }

  @Property(tries = 200)
  void bytesComeOutInOrderWhateverTheChunking(
      @ForAll @IntRange(min = 1, max = 64) int capacity,
      @ForAll @IntRange(min = 0, max = 300) int length,
      @ForAll @IntRange(min = 1, max = 50) int readSize)
      throws Exception {
    OutputBuffer b = new OutputBuffer(capacity);
    byte[] data = new byte[length];
    for (int i = 0; i < length; i++) {
      data[i] = (byte) i;
    }
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              try {
                b.write(data, 0, data.length);
                b.finish();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    while (true) {
      byte[] chunk = b.read(readSize).get(5, TimeUnit.SECONDS);
      if (chunk.length == 0) {
        break;
      }
      assertThat(chunk.length).isLessThanOrEqualTo(readSize);
      out.write(chunk);
    }
    writer.get(5, TimeUnit.SECONDS);
    assertThat(out.toByteArray()).isEqualTo(data);
  }
}
