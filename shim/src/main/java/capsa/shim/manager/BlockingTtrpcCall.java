package capsa.shim.manager;

import capsa.proto.ttrpc.KeyValue;
import capsa.proto.ttrpc.Request;
import capsa.proto.ttrpc.Response;
import capsa.ttrpc.frame.TtrpcFrame;
import com.google.protobuf.MessageLite;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One unary ttrpc call over a plain blocking {@link SocketChannel}, for the short-lived {@code delete} process:
 * starting Netty's event loop and native transport would cost more than the whole call. Frame layout as in
 * {@link TtrpcFrame}: u32 length, u32 stream id, u8 type, u8 flags (big-endian), then the data.
 */
final class BlockingTtrpcCall {

    private BlockingTtrpcCall() {}

    /**
     * Sends {@code service/method(request)} as stream 1 and waits for the response's status.
     *
     * @return the {@code google.rpc.Status} code of the reply (0 = OK)
     * @throws IOException if the socket fails, or no reply arrives within {@code timeout}
     */
    static int call(Path socket, String service, String method, MessageLite request, String namespace,
            Duration timeout) throws IOException {
        byte[] data = Request.newBuilder()
                .setService(service)
                .setMethod(method)
                .setPayload(request.toByteString())
                .setTimeoutNano(timeout.toNanos())
                .addMetadata(KeyValue.newBuilder().setKey("containerd-namespace-ttrpc").setValue(namespace))
                .build()
                .toByteArray();
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer frame = ByteBuffer.allocate(TtrpcFrame.HEADER_LENGTH + data.length)
                    .putInt(data.length)
                    .putInt(1)
                    .put((byte) TtrpcFrame.TYPE_REQUEST)
                    .put((byte) 0)
                    .put(data)
                    .flip();
            while (frame.hasRemaining()) {
                channel.write(frame);
            }
            // Blocking channels have no read timeout: read on a helper thread, and close the channel on timeout,
            // which makes the blocked read fail.
            CompletableFuture<Response> reply = CompletableFuture.supplyAsync(() -> readResponse(channel));
            try {
                return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS).getStatus().getCode();
            } catch (TimeoutException e) {
                throw new IOException("no reply to " + method + " within " + timeout.toMillis() + " ms");
            } catch (ExecutionException e) {
                throw new IOException("reading the reply to " + method + " failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    private static Response readResponse(SocketChannel channel) {
        try {
            while (true) {
                ByteBuffer header = readFully(channel, TtrpcFrame.HEADER_LENGTH);
                int length = header.getInt();
                int stream = header.getInt();
                int type = Byte.toUnsignedInt(header.get());
                if (length < 0 || length > TtrpcFrame.MAX_DATA_LENGTH) {
                    throw new IOException("oversized frame: " + Integer.toUnsignedLong(length));
                }
                ByteBuffer body = readFully(channel, length);
                if (stream == 1 && type == TtrpcFrame.TYPE_RESPONSE) {
                    return Response.parseFrom(body);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ByteBuffer readFully(SocketChannel channel, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining()) {
            if (channel.read(buf) < 0) {
                throw new IOException("connection closed");
            }
        }
        return buf.flip();
    }
}
