package capsa.ttrpc.client;

import capsa.proto.ttrpc.Response;
import capsa.ttrpc.frame.OversizedFrame;
import capsa.ttrpc.frame.TtrpcFrame;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one ttrpc connection: assigns odd, increasing stream ids (1, 3, 5...) to outgoing
 * requests, matches responses to calls by stream id, and fails every pending call with {@code UNAVAILABLE}
 * when the connection goes away.
 *
 * <p>Threading: all fields are only accessed from the channel's event loop.
 */
final class ClientConnectionHandler extends ChannelDuplexHandler {

  private static final Logger log = LoggerFactory.getLogger(ClientConnectionHandler.class);

  private final Map<Long, PendingCall> pending = new HashMap<>();
  private long nextStreamId = 1;
  private boolean inactive;

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof SendRequestCommand cmd)) {
      ctx.write(msg, promise);
      return;
    }
    if (inactive) {
      promise.setSuccess();
      cmd.call().onFailure(Status.UNAVAILABLE.withDescription("ttrpc connection closed"));
      return;
    }
    if (nextStreamId > TtrpcFrame.MAX_STREAM_ID) {
      promise.setSuccess();
      cmd.call().onFailure(Status.UNAVAILABLE.withDescription("ttrpc stream ids exhausted"));
      ctx.close();
      return;
    }
    long streamId = nextStreamId;
    nextStreamId += 2;
    if (!cmd.call().streamAssigned(streamId)) {
      promise.setSuccess();
      return;
    }
    pending.put(streamId, cmd.call());
    ctx.write(TtrpcFrame.request(streamId, cmd.request().toByteString()), promise);
    promise.addListener(
        (ChannelFutureListener)
            f -> {
              if (!f.isSuccess()) {
                PendingCall call = pending.remove(streamId);
                if (call != null) {
                  call.onFailure(
                      Status.UNAVAILABLE
                          .withDescription("cannot send ttrpc request")
                          .withCause(f.cause()));
                }
              }
            });
  }

  /** Drops a call that finished without a response (deadline, cancel). Event loop only. */
  void forget(long streamId) {
    pending.remove(streamId);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof TtrpcFrame frame) {
      if (frame.type() == TtrpcFrame.TYPE_RESPONSE) {
        onResponse(frame);
      } else {
        log.debug("ignoring frame of type {} on stream {}", frame.type(), frame.streamId());
      }
    } else if (msg instanceof OversizedFrame oversized) {
      PendingCall call =
          oversized.type() == TtrpcFrame.TYPE_RESPONSE ? pending.remove(oversized.streamId()) : null;
      if (call != null) {
        call.onFailure(
            Status.RESOURCE_EXHAUSTED.withDescription(
                "response length " + oversized.length() + " exceeds maximum message size of "
                    + TtrpcFrame.MAX_DATA_LENGTH));
      }
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private void onResponse(TtrpcFrame frame) {
    PendingCall call = pending.remove(frame.streamId());
    if (call == null) {
      log.debug("ignoring response for unknown stream {}", frame.streamId());
      return;
    }
    Response response;
    try {
      response = Response.parseFrom(frame.data());
    } catch (InvalidProtocolBufferException e) {
      call.onFailure(Status.INTERNAL.withDescription("cannot decode the ttrpc response").withCause(e));
      return;
    }
    call.onResponse(response);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    inactive = true;
    List<PendingCall> calls = new ArrayList<>(pending.values());
    pending.clear();
    Status status = Status.UNAVAILABLE.withDescription("ttrpc connection closed");
    calls.forEach(c -> c.onFailure(status));
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      log.debug("ttrpc connection {} failed", ctx.channel(), cause);
    } else {
      log.warn("unexpected error on ttrpc connection {}", ctx.channel(), cause);
    }
    ctx.close();
  }
}
