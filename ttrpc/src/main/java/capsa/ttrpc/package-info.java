/**
 * ttrpc for Capsa: what servers and clients share. {@link capsa.ttrpc.TtrpcTransport} holds the threads
 * (passed in, never static), {@link capsa.ttrpc.TtrpcMetadata} the per-call metadata, {@link
 * capsa.ttrpc.StatusMapper} the single exception-to-status mapping and {@link capsa.ttrpc.TtrpcException}
 * the protocol failures. Subpackages: {@code frame} (codec), {@code server}, {@code client}, {@code grpc}
 * (the same services over real gRPC on a Unix socket).
 *
 * <p>Threading: codecs and connection state live on Netty event loops, which never block; application
 * code (handlers, callbacks) runs on the transport's executor.
 */
@CheckReturnValue
package capsa.ttrpc;

import com.google.errorprone.annotations.CheckReturnValue;
