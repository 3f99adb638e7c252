package capsa.ttrpc.frame;

/**
 * What {@link TtrpcFrameDecoder} emits: either a complete {@link TtrpcFrame} or an {@link OversizedFrame}
 * notice for a frame whose data was too large and has been skipped.
 */
public sealed interface DecodedFrame permits TtrpcFrame, OversizedFrame {

  /** The frame's stream id, an unsigned 32-bit value widened to {@code long}. */
  long streamId();

  /** The frame's type byte (0..255); see {@link TtrpcFrame#TYPE_REQUEST} and friends. */
  int type();
}
