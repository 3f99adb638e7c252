package capsa.ttrpc.frame;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.codec.EncoderException;

/**
 * Writes {@link TtrpcFrame}s as a 10-byte big-endian header followed by the data; the layout is drawn in
 * {@link TtrpcFrameDecoder}. Frames over {@link TtrpcFrame#MAX_DATA_LENGTH} fail their write promise with an
 * {@link EncoderException} and nothing is written: callers are expected to check sizes first and
 * answer {@code RESOURCE_EXHAUSTED} themselves, this is the last line of defence.
 *
 * <p>Stateless and sharable.
 */
@Sharable
public final class TtrpcFrameEncoder extends MessageToByteEncoder<TtrpcFrame> {

  public TtrpcFrameEncoder() {
    super(TtrpcFrame.class);
  }

  @Override
  protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, TtrpcFrame frame, boolean preferDirect) {
    int size = TtrpcFrame.HEADER_LENGTH + frame.data().size();
    return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, TtrpcFrame frame, ByteBuf out) {
    int length = frame.data().size();
    if (length > TtrpcFrame.MAX_DATA_LENGTH) {
      throw new EncoderException(
          "ttrpc frame data of " + length + " bytes exceeds " + TtrpcFrame.MAX_DATA_LENGTH);
    }
    out.writeInt(length);
    out.writeInt((int) frame.streamId()); // u32 on the wire; the record guarantees the range
    out.writeByte(frame.type());
    out.writeByte(frame.flags());
    out.writeBytes(frame.data().asReadOnlyByteBuffer());
  }
}
