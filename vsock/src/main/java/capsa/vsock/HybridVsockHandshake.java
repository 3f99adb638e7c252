package capsa.vsock;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The host side of the hybrid vsock handshake on a freshly connected VMM Unix socket:
 *
 * <pre>
 *   host → VMM   "CONNECT &lt;port&gt;\n"          (ASCII, once)
 *   VMM  → host  "OK &lt;host-side port&gt;\n"      (any line starting with "OK" is success)
 *   then a raw byte stream to the guest's listener on &lt;port&gt;
 * </pre>
 *
 * On success this handler removes itself and completes {@code result} with the channel, ready for ttrpc. The guest's
 * ttrpc server never speaks first, so bytes following the OK line before the host sent anything are a protocol
 * error (and would otherwise be lost, since the ttrpc handlers are not installed yet).
 *
 * <p>Event-loop only.
 */
public final class HybridVsockHandshake extends ByteToMessageDecoder {

  /** "OK 4294967295\r\n" is 15 bytes; anything much longer is not a handshake reply. */
  static final int MAX_REPLY_LINE = 64;

  private final int port;
  private final CompletableFuture<Channel> result;
  private boolean sent;

  public HybridVsockHandshake(int port, CompletableFuture<Channel> result) {
    this.port = port;
    this.result = result;
  }

  /** The exact request bytes for {@code port}. */
  public static byte[] request(int port) {
    return ("CONNECT " + port + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      sendRequest(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    sendRequest(ctx);
    super.channelActive(ctx);
  }

  private void sendRequest(ChannelHandlerContext ctx) {
    if (sent) {
      return;
    }
    sent = true;
    ctx.writeAndFlush(Unpooled.wrappedBuffer(request(port)))
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                fail(ctx, "Cannot send CONNECT " + port + ": " + f.cause());
              }
            });
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (result.isDone()) {
      in.skipBytes(in.readableBytes());
      return;
    }
    int newline = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
    if (newline < 0) {
      if (in.readableBytes() > MAX_REPLY_LINE) {
        fail(ctx, "Hybrid vsock reply to CONNECT " + port + " is longer than " + MAX_REPLY_LINE + " bytes");
      }
      return;
    }
    String line = in.readCharSequence(newline - in.readerIndex(), StandardCharsets.US_ASCII).toString().strip();
    in.skipBytes(1);
    if (!line.startsWith("OK")) {
      fail(ctx, "Hybrid vsock peer refused CONNECT " + port + ", replied '" + printable(line) + "'");
      return;
    }
    if (in.isReadable()) {
      fail(ctx, "Hybrid vsock peer sent " + in.readableBytes() + " bytes after OK before the host spoke");
      return;
    }
    ctx.pipeline().remove(this);
    result.complete(ctx.channel());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    fail(ctx, "Hybrid vsock peer closed the connection before answering CONNECT " + port);
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!result.completeExceptionally(cause)) {
      ctx.fireExceptionCaught(cause);
    }
    ctx.close();
  }

  private void fail(ChannelHandlerContext ctx, String message) {
    if (result.completeExceptionally(new HybridVsockHandshakeException(message))) {
      ctx.close();
    }
  }

  private static String printable(String s) {
    String cut = s.length() > MAX_REPLY_LINE ? s.substring(0, MAX_REPLY_LINE) : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
