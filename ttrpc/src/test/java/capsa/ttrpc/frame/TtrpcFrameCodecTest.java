package capsa.ttrpc.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import capsa.proto.rpc.Status;
import capsa.proto.ttrpc.KeyValue;
import capsa.proto.ttrpc.Request;
import capsa.proto.ttrpc.Response;
import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Golden bytes from the reference test vectors through the codec on an {@link EmbeddedChannel}. */
class TtrpcFrameCodecTest {

  private static final HexFormat HEX = HexFormat.of();

  /** containerd.task.v2.Task/Connect{id: "c1"}, namespace "default", stream 1. */
  static final String CONNECT_REQUEST =
      "0000004f000000010100"
          + "0a17636f6e7461696e6572642e7461736b2e76322e5461736b"
          + "1207436f6e6e656374"
          + "1a040a026331"
          + "2a250a1a636f6e7461696e6572642d6e616d6573706163652d7474727063120764656661756c74";

  /** ConnectResponse{shim_pid=1234, task_pid=5678} on stream 1, with Go's empty status. */
  static final String CONNECT_RESPONSE = "0000000a000000010200" + "0a00" + "120608d20910ae2c";

  /** NotFound "container not created: not found" on stream 3. */
  static final String NOT_FOUND_RESPONSE =
      "00000026000000030200" + "0a24" + "0805" + "1220"
          + HEX.formatHex("container not created: not found".getBytes());

  private static Request connectRequest() {
    return Request.newBuilder()
        .setService("containerd.task.v2.Task")
        .setMethod("Connect")
        .setPayload(ByteString.fromHex("0a026331"))
        .addMetadata(KeyValue.newBuilder().setKey("containerd-namespace-ttrpc").setValue("default"))
        .build();
  }

  private static String encode(TtrpcFrame frame) {
    EmbeddedChannel ch = new EmbeddedChannel(new TtrpcFrameEncoder());
    assertThat(ch.writeOutbound(frame)).isTrue();
    ByteBuf out = ch.readOutbound();
    try {
      return ByteBufUtil.hexDump(out);
    } finally {
      out.release();
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void encodesTheConnectRequestByteForByte() {
    assertThat(encode(TtrpcFrame.request(1, connectRequest().toByteString()))).isEqualTo(CONNECT_REQUEST);
  }

  @Test
  void encodesTheGoldenResponses() {
    Response ok =
        Response.newBuilder()
            .setStatus(Status.getDefaultInstance())
            .setPayload(ByteString.fromHex("08d20910ae2c"))
            .build();
    assertThat(encode(TtrpcFrame.response(1, ok.toByteString()))).isEqualTo(CONNECT_RESPONSE);
    Response notFound =
        Response.newBuilder()
            .setStatus(Status.newBuilder().setCode(5).setMessage("container not created: not found"))
            .build();
    assertThat(encode(TtrpcFrame.response(3, notFound.toByteString()))).isEqualTo(NOT_FOUND_RESPONSE);
  }

  @Test
  void decodesTheConnectRequest() throws Exception {
    EmbeddedChannel ch = new EmbeddedChannel(new TtrpcFrameDecoder());
    assertThat(ch.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex(CONNECT_REQUEST)))).isTrue();
    TtrpcFrame frame = ch.readInbound();
    assertThat(frame.streamId()).isEqualTo(1);
    assertThat(frame.type()).isEqualTo(TtrpcFrame.TYPE_REQUEST);
    assertThat(frame.flags()).isZero();
    assertThat(Request.parseFrom(frame.data())).isEqualTo(connectRequest());
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void decodesFramesArrivingByteByByte() {
    TtrpcFrameDecoder decoder = new TtrpcFrameDecoder();
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    byte[] bytes = HEX.parseHex(CONNECT_RESPONSE + NOT_FOUND_RESPONSE);
    for (byte b : bytes) {
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
    }
    TtrpcFrame first = ch.readInbound();
    TtrpcFrame second = ch.readInbound();
    assertThat(first.streamId()).isEqualTo(1);
    assertThat(second.streamId()).isEqualTo(3);
    assertThat(second.type()).isEqualTo(TtrpcFrame.TYPE_RESPONSE);
    assertThat(decoder.bufferedBytes()).isZero();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void truncatedFrameWaitsForMore() {
    EmbeddedChannel ch = new EmbeddedChannel(new TtrpcFrameDecoder());
    byte[] bytes = HEX.parseHex(CONNECT_REQUEST);
    assertThat(ch.writeInbound(Unpooled.wrappedBuffer(bytes, 0, 9))).isFalse();
    assertThat(ch.writeInbound(Unpooled.wrappedBuffer(bytes, 9, 40))).isFalse();
    assertThat(ch.writeInbound(Unpooled.wrappedBuffer(bytes, 49, bytes.length - 49))).isTrue();
    assertThat(ch.<Object>readInbound()).isInstanceOf(TtrpcFrame.class);
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void emptyFramesAndUnknownTypesAndFlagsPassThrough() {
    EmbeddedChannel ch = new EmbeddedChannel(new TtrpcFrameDecoder());
    ch.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex("00000000fffffffd0307" + "0000000200000005ee8001ff")));
    assertThat(ch.<TtrpcFrame>readInbound())
        .isEqualTo(new TtrpcFrame(0xFFFF_FFFDL, TtrpcFrame.TYPE_DATA, 0x07, ByteString.EMPTY));
    TtrpcFrame odd = ch.readInbound();
    assertThat(odd).isEqualTo(new TtrpcFrame(5, 0xee, 0x80, ByteString.fromHex("01ff")));
    assertThat(odd.hasFlag(TtrpcFrame.FLAG_REMOTE_CLOSED)).isFalse();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void oversizedFrameIsSkippedWithoutBufferingAndDecodingRecovers() {
    TtrpcFrameDecoder decoder = new TtrpcFrameDecoder();
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    long length = TtrpcFrame.MAX_DATA_LENGTH + 1L;
    ByteBuf header = Unpooled.buffer(10).writeInt((int) length).writeInt(7).writeByte(1).writeByte(0);
    ch.writeInbound(header);
    assertThat(ch.<Object>readInbound()).isEqualTo(new OversizedFrame(7, 1, 0, length));
    assertThat(decoder.state()).isEqualTo(TtrpcFrameDecoder.State.DISCARD_DATA);
    long left = length;
    while (left > 0) {
      int chunk = (int) Math.min(64 * 1024, left);
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[chunk]));
      left -= chunk;
      assertThat(decoder.bufferedBytes()).isZero();
    }
    assertThat(ch.<Object>readInbound()).isNull();
    ch.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex(CONNECT_REQUEST)));
    assertThat(ch.<TtrpcFrame>readInbound().streamId()).isEqualTo(1);
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void maximalLengthHeaderIsOnlyOversizedNotAnError() {
    EmbeddedChannel ch = new EmbeddedChannel(new TtrpcFrameDecoder());
    ch.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex("ffffffffffffffffffff")));
    assertThat(ch.<Object>readInbound()).isEqualTo(new OversizedFrame(0xFFFF_FFFFL, 0xff, 0xff, 0xFFFF_FFFFL));
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void frameOfExactlyTheMaximumIsDecoded() {
    EmbeddedChannel ch = new EmbeddedChannel(new TtrpcFrameDecoder(), new TtrpcFrameEncoder());
    TtrpcFrame big = new TtrpcFrame(1, 3, 0, ByteString.copyFrom(new byte[TtrpcFrame.MAX_DATA_LENGTH]));
    ch.writeOutbound(big);
    ByteBuf encoded = ch.readOutbound();
    ch.writeInbound(encoded);
    assertThat(ch.<TtrpcFrame>readInbound()).isEqualTo(big);
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void encoderRefusesOversizedFrames() {
    EmbeddedChannel ch = new EmbeddedChannel(new TtrpcFrameEncoder());
    TtrpcFrame big = new TtrpcFrame(1, 1, 0, ByteString.copyFrom(new byte[TtrpcFrame.MAX_DATA_LENGTH + 1]));
    assertThatThrownBy(() -> ch.writeOutbound(big))
        .isInstanceOf(EncoderException.class)
        .hasMessageContaining("exceeds");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void frameRejectsValuesOutsideTheirWireRange() {
    assertThatThrownBy(() -> new TtrpcFrame(0x1_0000_0000L, 1, 0, ByteString.EMPTY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TtrpcFrame(1, 256, 0, ByteString.EMPTY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TtrpcFrame(1, 1, -1, ByteString.EMPTY))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
