package capsa.ttrpc.server;

import capsa.proto.ttrpc.Request;
import capsa.proto.ttrpc.Response;
import capsa.ttrpc.StatusMapper;
import capsa.ttrpc.TtrpcException;
import capsa.ttrpc.TtrpcMetadata;
import capsa.ttrpc.frame.OversizedFrame;
import capsa.ttrpc.frame.TtrpcFrame;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one ttrpc connection: applies the stream-id rules, decodes {@code Request}s, looks up
 * the method and starts a {@link UnaryServerCall} on the handler executor. Protocol errors are answered
 * with a {@code Response} on the offending stream and never close the connection.
 *
 * <p>Threading: {@link #lastStreamId} is only accessed from the channel's event loop. Calls finish on any
 * thread; they write their response with {@code Channel.writeAndFlush}, which Netty hands to the event
 * loop, and remove themselves from the concurrent {@link #active} map.
 */
final class ServerConnectionHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(ServerConnectionHandler.class);
  private static final Logger connections = LoggerFactory.getLogger("capsa.ttrpc.server.connections");

  private final ServiceRegistry registry;
  private final Executor executor;
  private final Map<Long, UnaryServerCall<?, ?>> active = new ConcurrentHashMap<>();
  /** Event-loop only. */
  private long lastStreamId;

  ServerConnectionHandler(ServiceRegistry registry, Executor executor) {
    this.registry = registry;
    this.executor = executor;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof TtrpcFrame frame) {
      switch (frame.type()) {
        case TtrpcFrame.TYPE_REQUEST -> onRequest(ctx.channel(), frame);
        case TtrpcFrame.TYPE_DATA -> onData(ctx.channel(), frame);
        default -> log.debug("ignoring frame of type {} on stream {}", frame.type(), frame.streamId());
      }
    } else if (msg instanceof OversizedFrame oversized) {
      respondError(
          ctx.channel(),
          oversized.streamId(),
          new TtrpcException.OversizedMessage(
              "message length "
                  + oversized.length()
                  + " exceeds maximum message size of "
                  + TtrpcFrame.MAX_DATA_LENGTH));
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private void onRequest(Channel channel, TtrpcFrame frame) {
    long streamId = frame.streamId();
    if (streamId % 2 == 0) {
      respondError(
          channel,
          streamId,
          new TtrpcException.InvalidStreamId("StreamID must be odd for client initiated streams"));
      return;
    }
    if (streamId <= lastStreamId) {
      respondError(
          channel,
          streamId,
          new TtrpcException.InvalidStreamId("StreamID cannot be re-used and must increment"));
      return;
    }
    lastStreamId = streamId;
    try {
      Request request = parseRequest(frame);
      ServerMethodDefinition<?, ?> method = registry.lookup(request.getService(), request.getMethod());
      if (method.getMethodDescriptor().getType() != MethodDescriptor.MethodType.UNARY
          || frame.hasFlag(TtrpcFrame.FLAG_REMOTE_OPEN)) {
        throw new TtrpcException.StreamingNotSupported(
            "method " + request.getMethod() + ": streaming calls are not supported");
      }
      startCall(channel, streamId, method, request);
    } catch (TtrpcException e) {
      respondError(channel, streamId, e);
    }
  }

  private static Request parseRequest(TtrpcFrame frame) {
    try {
      return Request.parseFrom(frame.data());
    } catch (InvalidProtocolBufferException e) {
      throw new TtrpcException.MalformedRequest("cannot decode the ttrpc request", e);
    }
  }

  private <ReqT, RespT> void startCall(
      Channel channel, long streamId, ServerMethodDefinition<ReqT, RespT> method, Request request) {
    TtrpcMetadata metadata = TtrpcMetadata.fromKeyValues(request.getMetadataList());
    Context base = Context.ROOT.withValue(TtrpcMetadata.CURRENT, metadata);
    Context.CancellableContext context =
        request.getTimeoutNano() > 0
            ? base.withDeadlineAfter(request.getTimeoutNano(), TimeUnit.NANOSECONDS, channel.eventLoop())
            : base.withCancellation();
    UnaryServerCall<ReqT, RespT> call =
        new UnaryServerCall<>(
            streamId,
            method.getMethodDescriptor(),
            method.getServerCallHandler(),
            context,
            new SerializingExecutor(executor),
            attributes(channel),
            response -> respond(channel, streamId, response),
            () -> active.remove(streamId));
    active.put(streamId, call);
    try {
      call.start(request.getPayload(), metadata.toGrpc());
    } catch (RejectedExecutionException e) {
      active.remove(streamId);
      context.cancel(null);
      respondError(channel, streamId, new TtrpcException.ServerBusy("server is busy", e));
    }
  }

  private static Attributes attributes(Channel channel) {
    Attributes.Builder b = Attributes.newBuilder();
    SocketAddress remote = channel.remoteAddress();
    if (remote != null) {
      b.set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, remote);
    }
    SocketAddress local = channel.localAddress();
    if (local != null) {
      b.set(Grpc.TRANSPORT_ATTR_LOCAL_ADDR, local);
    }
    return b.build();
  }

  private void onData(Channel channel, TtrpcFrame frame) {
    // No stream ever accepts data (streaming calls are refused), so data belongs to a stream that was
    // refused or answered already: drop it. Data on a stream never opened is a client error.
    if (frame.streamId() > lastStreamId) {
      respondError(
          channel,
          frame.streamId(),
          new TtrpcException.InvalidStreamId("StreamID is not an active stream"));
    } else {
      log.debug("dropping data frame for inactive stream {}", frame.streamId());
    }
  }

  private void respondError(Channel channel, long streamId, TtrpcException e) {
    Status status = StatusMapper.toStatus(e);
    log.debug("answering stream {} with {}", streamId, status);
    respond(
        channel, streamId, Response.newBuilder().setStatus(StatusMapper.toProto(status)).build());
  }

  /** Writes a response; a response too large for a frame becomes RESOURCE_EXHAUSTED. Any thread. */
  private static void respond(Channel channel, long streamId, Response response) {
    Response toSend = response;
    int size = response.getSerializedSize();
    if (size > TtrpcFrame.MAX_DATA_LENGTH) {
      Status status =
          StatusMapper.toStatus(
              new TtrpcException.OversizedMessage(
                  "response of " + size + " bytes exceeds maximum message size of "
                      + TtrpcFrame.MAX_DATA_LENGTH));
      toSend = Response.newBuilder().setStatus(StatusMapper.toProto(status)).build();
    }
    channel
        .writeAndFlush(TtrpcFrame.response(streamId, toSend.toByteString()))
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    log.debug("response on stream {} not sent", streamId, f.cause());
                  }
                });
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    connections.debug("ttrpc connection from {}", ctx.channel().remoteAddress());
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    connections.debug(
        "ttrpc connection {} closed, cancelling {} calls", ctx.channel(), active.size());
    active.values().forEach(UnaryServerCall::cancelForDisconnect);
    active.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      connections.debug("ttrpc connection {} failed", ctx.channel(), cause);
    } else {
      log.warn("unexpected error on ttrpc connection {}", ctx.channel(), cause);
    }
    ctx.close();
  }
}
