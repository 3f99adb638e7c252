package capsa.ttrpc.frame;

import com.google.protobuf.UnsafeByteOperations;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a byte stream into ttrpc frames.
 *
 * <pre>
 *  0               1               2               3
 *  0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7
 * +---------------------------------------------------------------+
 * |                 data length (u32, big-endian)                 |
 * +---------------------------------------------------------------+
 * |                  stream id (u32, big-endian)                  |
 * +---------------+---------------+-------------------------------+
 * |  type (u8)    |  flags (u8)   |  data (length bytes) ...      |
 * +---------------+---------------+-------------------------------+
 *
 * BEFORE DECODE (17 bytes)                        AFTER DECODE
 * +-------------+-------------+----+----+------+  TtrpcFrame[streamId=1, type=1 (request),
 * | 00 00 00 07 | 00 00 00 01 | 01 | 00 | 7 B  |    flags=0, data=7 bytes]
 * +-------------+-------------+----+----+------+
 * </pre>
 *
 * <p>The length counts data bytes only and may not exceed {@link TtrpcFrame#MAX_DATA_LENGTH} (4 MiB), so the
 * first byte of a well-formed header is always zero. A longer frame is not an error of the connection: the
 * decoder emits an {@link OversizedFrame} as soon as its header is read, then skips its data as it arrives
 * without buffering it, and carries on with the next header. Because every 10 bytes form some header,
 * arbitrary input is consumed without exceptions: at worst as one long skipped frame. A truncated frame
 * simply waits for more bytes. Frame types are not interpreted here; handlers ignore unknown ones.
 *
 * <p>Not sharable: one instance per channel, used only on that channel's event loop.
 */
public final class TtrpcFrameDecoder extends ByteToMessageDecoder {

  /** Where the parser stands in the byte stream. */
  enum State {
    READ_HEADER,
    READ_DATA,
    DISCARD_DATA
  }

  private State state = State.READ_HEADER;
  private long streamId;
  private int type;
  private int flags;
  /** Data bytes still to read (READ_DATA) or to skip (DISCARD_DATA); unsigned u32 fits a long. */
  private long remaining;

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    switch (state) {
      case READ_HEADER -> readHeader(in, out);
      case READ_DATA -> readData(in, out);
      case DISCARD_DATA -> discardData(in);
      default -> throw new AssertionError(state);
    }
  }

  private void readHeader(ByteBuf in, List<Object> out) {
    if (in.readableBytes() < TtrpcFrame.HEADER_LENGTH) {
      return;
    }
    long length = in.readUnsignedInt();
    streamId = in.readUnsignedInt();
    type = in.readUnsignedByte();
    flags = in.readUnsignedByte();
    remaining = length;
    if (length > TtrpcFrame.MAX_DATA_LENGTH) {
      out.add(new OversizedFrame(streamId, type, flags, length));
      state = State.DISCARD_DATA;
    } else {
      state = State.READ_DATA;
      // A zero-length frame is complete right away; emit it without waiting for another read.
      readData(in, out);
    }
  }

  private void readData(ByteBuf in, List<Object> out) {
    int length = Math.toIntExact(remaining);
    if (in.readableBytes() < length) {
      return;
    }
    byte[] data = new byte[length];
    in.readBytes(data);
    // The array is private to this frame from here on, so wrapping without a second copy is safe.
    out.add(new TtrpcFrame(streamId, type, flags, UnsafeByteOperations.unsafeWrap(data)));
    state = State.READ_HEADER;
    remaining = 0;
  }

  private void discardData(ByteBuf in) {
    int skip = (int) Math.min(remaining, in.readableBytes());
    in.skipBytes(skip);
    remaining -= skip;
    if (remaining == 0) {
      state = State.READ_HEADER;
    }
  }

  /** Test hook: parser state. */
  State state() {
    return state;
  }

  /** Test hook: bytes buffered but not yet decoded. */
  int bufferedBytes() {
    return actualReadableBytes();
  }
}
