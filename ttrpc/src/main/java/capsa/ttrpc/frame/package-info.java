/**
 * The ttrpc frame codec: {@link capsa.ttrpc.frame.TtrpcFrameDecoder} turns bytes into {@link
 * capsa.ttrpc.frame.TtrpcFrame}s (or {@link capsa.ttrpc.frame.OversizedFrame} notices),
 * {@link capsa.ttrpc.frame.TtrpcFrameEncoder} does the reverse. The header layout is documented on the
 * decoder. This package knows nothing about Request/Response contents.
 *
 * <p>Threading: the decoder holds per-channel parse state and runs only on its channel's event loop; the
 * encoder is stateless and sharable; frames are immutable values safe to pass between threads.
 */
@CheckReturnValue
package capsa.ttrpc.frame;

import com.google.errorprone.annotations.CheckReturnValue;
