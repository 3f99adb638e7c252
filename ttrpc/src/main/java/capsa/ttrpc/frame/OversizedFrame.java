package capsa.ttrpc.frame;

/**
 * Notice that a frame announced more than {@link TtrpcFrame#MAX_DATA_LENGTH} data bytes. The decoder skips
 * those bytes as they arrive (never buffering them) and emits this notice as soon as the header has been
 * read, so the receiver can answer {@code RESOURCE_EXHAUSTED} on the stream while the connection lives on.
 *
 * @param streamId unsigned stream id widened to {@code long}
 * @param type the frame's type byte
 * @param flags the frame's flag byte
 * @param length the announced (unsigned) data length
 */
public record OversizedFrame(long streamId, int type, int flags, long length) implements DecodedFrame {}
