package capsa.vsock;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Reads the guest's first line on a virtio-serial agent channel and checks it is {@code CAPSA-AGENT-READY ...}. On
 * success the handler removes itself and completes the future with the channel; anything else fails the attempt and
 * closes the connection.
 *
 * <p>Wire: {@code CAPSA-AGENT-READY uptime=2.34\n} (ASCII, at most {@value #MAX_LINE} bytes, optional {@code \r}).
 */
final class ReadyLineHandler extends ByteToMessageDecoder {

  static final String NAME = "capsa-ready-line";
  static final String PREFIX = "CAPSA-AGENT-READY";
  /** A ready line is ~40 bytes; a longer one is not our guest. */
  static final int MAX_LINE = 256;

  private final CompletableFuture<io.netty.channel.Channel> result;

  ReadyLineHandler(CompletableFuture<io.netty.channel.Channel> result) {
    this.result = result;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (result.isDone()) {
      // Failed or timed out already: drop whatever else arrives on the dying connection.
      in.skipBytes(in.readableBytes());
      return;
    }
    int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
    if (eol < 0) {
      if (in.readableBytes() > MAX_LINE) {
        fail(ctx, "Guest sent " + in.readableBytes() + " bytes without a newline; expected a " + PREFIX + " line");
        in.skipBytes(in.readableBytes());
      }
      return;
    }
    String line = in.readCharSequence(eol - in.readerIndex(), StandardCharsets.US_ASCII).toString();
    in.skipBytes(1);
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    if (!line.equals(PREFIX) && !line.startsWith(PREFIX + " ")) {
      fail(ctx, "Guest's first line is not a ready line: '" + printable(line) + "'");
      return;
    }
    ctx.channel().attr(VirtioSerialConnector.READY_LINE).set(line);
    // Removing a ByteToMessageDecoder passes any bytes still buffered down the pipeline; by protocol there are none.
    ctx.pipeline().remove(this);
    result.complete(ctx.channel());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    result.completeExceptionally(new VirtioSerialReadyException("Connection closed before the guest's ready line"));
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    result.completeExceptionally(cause);
    ctx.close();
  }

  private void fail(ChannelHandlerContext ctx, String message) {
    result.completeExceptionally(new VirtioSerialReadyException(message));
    ctx.close();
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.length() > 80 ? b.substring(0, 80) + "..." : b.toString();
  }
}
