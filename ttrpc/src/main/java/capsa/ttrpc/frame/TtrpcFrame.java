package capsa.ttrpc.frame;

import com.google.protobuf.ByteString;
import java.util.Objects;

/**
 * One ttrpc frame: stream id, type, flags and data.
 *
 * <p>The data is an immutable {@link ByteString} rather than a reference-counted {@code ByteBuf}: frames
 * are at most 4 MiB, they are handed across threads (event loop to handler executor), and protobuf parses
 * {@code ByteString} directly. One copy per frame buys freedom from leak bookkeeping and gives the record
 * value equality.
 *
 * @param streamId unsigned 32-bit stream id widened to {@code long} (0..0xFFFF_FFFF)
 * @param type frame type byte (0..255); unknown types are carried, and ignored by the peers
 * @param flags flag byte (0..255)
 * @param data frame data, at most {@link #MAX_DATA_LENGTH} bytes
 */
public record TtrpcFrame(long streamId, int type, int flags, ByteString data) implements DecodedFrame {

  /** Bytes in a frame header: u32 length, u32 stream id, u8 type, u8 flags. */
  public static final int HEADER_LENGTH = 10;
  /** Largest data length a peer may send: 4 MiB. */
  public static final int MAX_DATA_LENGTH = 4 << 20;
  /** Largest stream id (u32). */
  public static final long MAX_STREAM_ID = 0xFFFF_FFFFL;

  /** A request frame carrying a serialized {@code ttrpc.Request}. */
  public static final int TYPE_REQUEST = 0x01;
  /** A response frame carrying a serialized {@code ttrpc.Response}. */
  public static final int TYPE_RESPONSE = 0x02;
  /** A data frame of a streaming call. */
  public static final int TYPE_DATA = 0x03;

  /** The sender will send no more frames on this stream. */
  public static final int FLAG_REMOTE_CLOSED = 0x01;
  /** Request only: the client will stream data frames after the request. */
  public static final int FLAG_REMOTE_OPEN = 0x02;
  /** Data only: the frame carries no message (and must have no bytes). */
  public static final int FLAG_NO_DATA = 0x04;

  public TtrpcFrame {
    if (streamId < 0 || streamId > MAX_STREAM_ID) {
      throw new IllegalArgumentException("stream id out of u32 range: " + streamId);
    }
    if (type < 0 || type > 0xFF) {
      throw new IllegalArgumentException("frame type out of u8 range: " + type);
    }
    if (flags < 0 || flags > 0xFF) {
      throw new IllegalArgumentException("frame flags out of u8 range: " + flags);
    }
    Objects.requireNonNull(data, "data");
  }

  /** A request frame with no flags (a unary call). */
  public static TtrpcFrame request(long streamId, ByteString data) {
    return new TtrpcFrame(streamId, TYPE_REQUEST, 0, data);
  }

  /** A response frame; responses never carry flags. */
  public static TtrpcFrame response(long streamId, ByteString data) {
    return new TtrpcFrame(streamId, TYPE_RESPONSE, 0, data);
  }

  /** Whether all bits of {@code flag} are set. */
  public boolean hasFlag(int flag) {
    return (flags & flag) == flag;
  }

  @Override
  public String toString() {
    return "TtrpcFrame[streamId=" + streamId + ", type=" + type + ", flags=" + flags
        + ", length=" + data.size() + "]";
  }
}
