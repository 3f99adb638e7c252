package capsa.ttrpc.frame;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Random input against the decoder: nothing escapes, frames survive any split, buffers are released. */
class TtrpcFrameDecoderPropertiesTest {

  @BeforeContainer
  static void paranoid() {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  @Property(tries = 300)
  void byteSoupNeverThrowsAndStaysBounded(@ForAll @Size(max = 1024) List<@Size(max = 300) byte[]> chunks) {
    TtrpcFrameDecoder decoder = new TtrpcFrameDecoder();
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    List<ByteBuf> written = new ArrayList<>();
    for (byte[] chunk : chunks) {
      ByteBuf buf = PooledByteBufAllocator.DEFAULT.buffer(chunk.length).writeBytes(chunk);
      written.add(buf);
      ch.writeInbound(buf);
      // Buffered bytes never exceed one header plus the largest frame body.
      assertThat(decoder.bufferedBytes()).isLessThanOrEqualTo(TtrpcFrame.HEADER_LENGTH + TtrpcFrame.MAX_DATA_LENGTH);
      Object out;
      while ((out = ch.readInbound()) != null) {
        assertThat(out).isInstanceOf(DecodedFrame.class);
      }
    }
    ch.checkException(); // rethrows anything that reached the end of the pipeline
    ch.finishAndReleaseAll();
    assertThat(written).allSatisfy(b -> assertThat(b.refCnt()).isZero());
  }

  @Property(tries = 200)
  void framesSurviveAnySplitting(
      @ForAll("frames") List<TtrpcFrame> frames, @ForAll @IntRange(min = 1, max = 64) int maxChunk,
      @ForAll long seed) {
    EmbeddedChannel encoderSide = new EmbeddedChannel(new TtrpcFrameEncoder());
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (TtrpcFrame f : frames) {
      encoderSide.writeOutbound(f);
      ByteBuf b = encoderSide.readOutbound();
      byte[] bytes = new byte[b.readableBytes()];
      b.readBytes(bytes);
      b.release();
      wire.writeBytes(bytes);
    }
    encoderSide.finishAndReleaseAll();

    TtrpcFrameDecoder decoder = new TtrpcFrameDecoder();
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    java.util.Random random = new java.util.Random(seed);
    byte[] all = wire.toByteArray();
    List<ByteBuf> written = new ArrayList<>();
    int pos = 0;
    List<Object> decoded = new ArrayList<>();
    while (pos < all.length) {
      int n = Math.min(all.length - pos, 1 + random.nextInt(maxChunk));
      ByteBuf buf = PooledByteBufAllocator.DEFAULT.buffer(n).writeBytes(all, pos, n);
      written.add(buf);
      ch.writeInbound(buf);
      pos += n;
      Object out;
      while ((out = ch.readInbound()) != null) {
        decoded.add(out);
      }
    }
    assertThat(decoded).isEqualTo(frames);
    assertThat(decoder.bufferedBytes()).isZero();
    assertThat(decoder.state()).isEqualTo(TtrpcFrameDecoder.State.READ_HEADER);
    assertThat(ch.finish()).isFalse();
    assertThat(written).allSatisfy(b -> assertThat(b.refCnt()).isZero());
  }

  @Property(tries = 20)
  void oversizedFramesAmongValidOnesAreReportedAndSkipped(
      @ForAll("frames") List<TtrpcFrame> before, @ForAll("frames") List<TtrpcFrame> after,
      @ForAll @IntRange(min = 1, max = 5000) int excess) {
    long length = (long) TtrpcFrame.MAX_DATA_LENGTH + excess;
    EmbeddedChannel ch = new EmbeddedChannel(new TtrpcFrameDecoder(), new TtrpcFrameEncoder());
    before.forEach(ch::writeOutbound);
    ByteBuf oversized = Unpooled.buffer().writeInt((int) length).writeInt(99).writeByte(1).writeByte(0);
    List<Object> decoded = new ArrayList<>();
    Object out;
    while ((out = ch.readOutbound()) != null) {
      ch.writeInbound(out);
    }
    ch.writeInbound(oversized);
    long left = length;
    while (left > 0) {
      int n = (int) Math.min(left, 1 << 20);
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[n]));
      left -= n;
    }
    after.forEach(ch::writeOutbound);
    while ((out = ch.readOutbound()) != null) {
      ch.writeInbound(out);
    }
    while ((out = ch.readInbound()) != null) {
      decoded.add(out);
    }
    List<Object> expected = new ArrayList<>(before);
    expected.add(new OversizedFrame(99, 1, 0, length));
    expected.addAll(after);
    assertThat(decoded).isEqualTo(expected);
    assertThat(ch.finish()).isFalse();
  }

  @Provide
  Arbitrary<List<TtrpcFrame>> frames() {
    Arbitrary<TtrpcFrame> frame =
        Combinators.combine(
                Arbitraries.longs().between(0, TtrpcFrame.MAX_STREAM_ID),
                Arbitraries.integers().between(0, 255),
                Arbitraries.integers().between(0, 255),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(2000))
            .as((id, type, flags, data) -> new TtrpcFrame(id, type, flags, ByteString.copyFrom(data)));
    return frame.list().ofMaxSize(12);
  }
}
