/**
 * The ttrpc server: {@link capsa.ttrpc.server.TtrpcServer} serves grpc-java service definitions over Unix
 * sockets or any connected Netty channel, with the stream-id rules, deadlines, metadata and errors of
 * containerd's ttrpc; {@link capsa.ttrpc.server.PeerCheck} decides which Unix-socket peers may connect.
 *
 * <p>Threading: per-connection state lives on the channel's event loop; each call runs its handler on the
 * transport executor, with its listener callbacks serialized; responses are written through the channel,
 * which queues them onto the event loop.
 */
@CheckReturnValue
package capsa.ttrpc.server;

import com.google.errorprone.annotations.CheckReturnValue;
