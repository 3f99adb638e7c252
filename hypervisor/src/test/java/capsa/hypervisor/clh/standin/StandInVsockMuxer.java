package capsa.hypervisor.clh.standin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The VMM end of the stand-in's hybrid vsock socket: reads {@code CONNECT <port>\n}; for the agent port it answers
 * {@code OK <host port>\n} and then echoes bytes back, standing in for a guest listener; for any other port it closes
 * the connection, as the VMM does when nothing listens in the guest.
 */
final class StandInVsockMuxer extends ByteToMessageDecoder {

  private static int nextHostPort = 1_073_741_824;

  private final int listeningPort;

  StandInVsockMuxer(int listeningPort) {
    this.listeningPort = listeningPort;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int newline = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
    if (newline < 0) {
      if (in.readableBytes() > 64) {
        ctx.close();
      }
      return;
    }
    String line = in.readCharSequence(newline - in.readerIndex(), StandardCharsets.US_ASCII).toString();
    in.skipBytes(1);
    if (!line.equals("CONNECT " + listeningPort)) {
      ctx.close();
      return;
    }
    ctx.writeAndFlush(Unpooled.copiedBuffer("OK " + hostPort() + "\n", StandardCharsets.US_ASCII));
    ctx.pipeline().addLast(new Echo());
    ctx.pipeline().remove(this);
  }

  private static synchronized int hostPort() {
    return nextHostPort++;
  }

  /** The guest listener's stand-in: every byte comes back. */
  private static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.writeAndFlush(msg).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }
  }
}
