package capsa.hypervisor.qemu.qmp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Parses each framed line as JSON and hands it to the client; closes the connection on anything unreadable. */
final class QmpInboundHandler extends SimpleChannelInboundHandler<ByteBuf> {

  private static final Logger LOG = LoggerFactory.getLogger(QmpInboundHandler.class);
  private final QmpClient client;

  QmpInboundHandler(QmpClient client) {
    this.client = client;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
    if (!line.isReadable()) {
      return;
    }
    try {
      client.onMessage(client.parse(line));
    } catch (IOException e) {
      // QEMU never sends malformed JSON; a peer that does is not QEMU, so stop talking to it.
      LOG.warn("Unparseable QMP line, closing connection", e);
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    client.onClosed();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof java.io.IOException) {
      // Typically "connection reset" when QEMU exits (quit, kill); the exit watcher reports the exit itself.
      LOG.debug("QMP connection error, closing: {}", cause.toString());
    } else {
      LOG.warn("QMP connection error, closing", cause);
    }
    ctx.close();
  }
}
