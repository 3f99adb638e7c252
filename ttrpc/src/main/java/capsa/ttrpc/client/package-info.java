/**
 * The ttrpc client: {@link capsa.ttrpc.client.TtrpcClient} is a grpc-java {@code Channel} over a Unix
 * socket or any connected Netty channel, so callers use generated stubs.
 *
 * <p>Threading: stream ids and the pending-call table live on the channel's event loop (requests reach it
 * as {@code SendRequestCommand}s written from any thread); each call completes once, from whichever thread
 * gets there first, and its listener runs on the call's executor.
 */
@CheckReturnValue
package capsa.ttrpc.client;

import com.google.errorprone.annotations.CheckReturnValue;
