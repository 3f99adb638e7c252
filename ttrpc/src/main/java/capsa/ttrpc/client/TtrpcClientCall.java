package capsa.ttrpc.client;

import capsa.proto.ttrpc.Request;
import capsa.proto.ttrpc.Response;
import capsa.ttrpc.StatusMapper;
import capsa.ttrpc.TtrpcMetadata;
import capsa.ttrpc.frame.TtrpcFrame;
import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.annotation.Nullable;

/**
 * One unary call over ttrpc: collects the request, sends it as one {@code Request} frame when the caller
 * half-closes, and completes the listener exactly once with the response, the remote status, or a local
 * failure (deadline, cancel, connection loss).
 *
 * <p>Threading: the grpc {@code ClientCall} methods come from the caller's thread; completion may come
 * from the event loop, a timer or a cancelling thread, and the first one wins. Listener callbacks run on
 * the call's executor ({@link CallOptions#getExecutor()}, else the client's), in order.
 */
final class TtrpcClientCall<ReqT, RespT> extends ClientCall<ReqT, RespT> implements PendingCall {

  /**
   * The full google.rpc.Status of a failed call, under the trailer key gRPC uses, so
   * {@code StatusProto.fromThrowable} works as it would over gRPC.
   */
  static final Metadata.Key<byte[]> STATUS_DETAILS_KEY =
      Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);

  private final MethodDescriptor<ReqT, RespT> method;
  private final CallOptions callOptions;
  private final Channel channel;
  private final ClientConnectionHandler connection;
  private final Executor callbackExecutor;
  private final Context context = Context.current();
  private final AtomicBoolean done = new AtomicBoolean();

  private volatile Listener<RespT> listener;
  private volatile Metadata headers;
  private volatile ByteString payload;
  @Nullable private volatile Deadline deadline;
  @Nullable private volatile Future<?> deadlineTimer;
  private volatile long streamId = -1;
  private final Context.CancellationListener contextListener =
      ctx -> fail(Contexts.statusFromCancelled(ctx));

  TtrpcClientCall(
      MethodDescriptor<ReqT, RespT> method,
      CallOptions callOptions,
      Channel channel,
      ClientConnectionHandler connection,
      Executor defaultExecutor) {
    this.method = method;
    this.callOptions = callOptions;
    this.channel = channel;
    this.connection = connection;
    this.callbackExecutor =
        callOptions.getExecutor() != null ? callOptions.getExecutor() : defaultExecutor;
  }

  @Override
  public void start(Listener<RespT> responseListener, Metadata headers) {
    this.listener = responseListener;
    this.headers = headers;
    if (method.getType() != MethodDescriptor.MethodType.UNARY) {
      fail(Status.UNIMPLEMENTED.withDescription(
          "ttrpc client supports unary calls only, not " + method.getFullMethodName()));
      return;
    }
    Deadline effective = min(callOptions.getDeadline(), context.getDeadline());
    this.deadline = effective;
    if (context.isCancelled()) {
      fail(Contexts.statusFromCancelled(context));
      return;
    }
    if (effective != null && effective.isExpired()) {
      fail(Status.DEADLINE_EXCEEDED.withDescription("deadline expired before the call started"));
      return;
    }
    context.addListener(contextListener, Runnable::run);
  }

  @Nullable
  private static Deadline min(@Nullable Deadline a, @Nullable Deadline b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : a.minimum(b);
  }

  @Override
  public void request(int numMessages) {
    // Unary: the one response is delivered when it arrives.
  }

  @Override
  public void sendMessage(ReqT message) {
    if (done.get()) {
      return;
    }
    if (payload != null) {
      throw new IllegalStateException("unary call " + method.getFullMethodName() + " sent twice");
    }
    try (InputStream in = method.streamRequest(message)) {
      payload = ByteString.readFrom(in);
    } catch (IOException e) {
      fail(Status.INTERNAL.withDescription("cannot serialize the request").withCause(e));
    }
  }

  @Override
  public void halfClose() {
    if (done.get()) {
      return;
    }
    if (payload == null) {
      fail(Status.INTERNAL.withDescription("unary call half-closed without a request"));
      return;
    }
    Request.Builder request =
        Request.newBuilder()
            .setService(method.getServiceName())
            .setMethod(method.getBareMethodName())
            .setPayload(payload)
            .addAllMetadata(TtrpcMetadata.fromGrpc(headers).toKeyValues());
    Deadline d = deadline;
    if (d != null) {
      long nanos = d.timeRemaining(TimeUnit.NANOSECONDS);
      if (nanos <= 0) {
        fail(deadlineExceeded());
        return;
      }
      request.setTimeoutNano(nanos);
      deadlineTimer =
          channel.eventLoop().schedule(() -> fail(deadlineExceeded()), nanos, TimeUnit.NANOSECONDS);
    }
    Request built = request.build();
    if (built.getSerializedSize() > TtrpcFrame.MAX_DATA_LENGTH) {
      fail(Status.RESOURCE_EXHAUSTED.withDescription(
          "request of " + built.getSerializedSize() + " bytes exceeds maximum message size of "
              + TtrpcFrame.MAX_DATA_LENGTH));
      return;
    }
    // The handler fails the call if the write fails after it registered the stream; this listener covers
    // writes that never reach the handler because the channel is closed and its pipeline torn down.
    channel
        .writeAndFlush(new SendRequestCommand(built, this))
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                fail(Status.UNAVAILABLE.withDescription("ttrpc connection closed").withCause(f.cause()));
              }
            });
  }

  private Status deadlineExceeded() {
    return Status.DEADLINE_EXCEEDED.withDescription(
        "no ttrpc response for " + method.getFullMethodName() + " before the deadline");
  }

  @Override
  public void cancel(@Nullable String message, @Nullable Throwable cause) {
    fail(Status.CANCELLED.withDescription(message != null ? message : "call cancelled").withCause(cause));
  }

  @Override
  public boolean streamAssigned(long id) {
    streamId = id;
    return !done.get();
  }

  @Override
  public void onResponse(Response response) {
    Status status = response.hasStatus() ? StatusMapper.fromProto(response.getStatus()) : Status.OK;
    if (!status.isOk()) {
      Metadata trailers = new Metadata();
      trailers.put(STATUS_DETAILS_KEY, response.getStatus().toByteArray());
      finish(status, null, trailers);
      return;
    }
    RespT message;
    try (InputStream in = response.getPayload().newInput()) {
      message = method.parseResponse(in);
    } catch (IOException | RuntimeException e) {
      fail(Status.INTERNAL.withDescription("cannot decode the response payload").withCause(e));
      return;
    }
    finish(Status.OK, message, new Metadata());
  }

  @Override
  public void onFailure(Status status) {
    fail(status);
  }

  private void fail(Status status) {
    finish(status, null, new Metadata());
  }

  private void finish(Status status, @Nullable RespT message, Metadata trailers) {
    if (!done.compareAndSet(false, true)) {
      return;
    }
    Future<?> timer = deadlineTimer;
    if (timer != null) {
      timer.cancel(false);
    }
    context.removeListener(contextListener);
    long id = streamId;
    if (id >= 0 && !status.isOk()) {
      channel.eventLoop().execute(() -> connection.forget(id));
    }
    Listener<RespT> l = listener;
    if (l == null) {
      return; // failed before start: nothing to tell
    }
    callbackExecutor.execute(
        () -> {
          l.onHeaders(new Metadata());
          if (message != null) {
            l.onMessage(message);
          }
          l.onClose(status, trailers);
        });
  }
}
