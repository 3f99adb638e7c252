package capsa.ttrpc.server;

import capsa.proto.ttrpc.Response;
import capsa.ttrpc.StatusMapper;
import capsa.ttrpc.TtrpcException;
import com.google.protobuf.ByteString;
import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One unary ttrpc call presented to a grpc-java {@link ServerCallHandler}: it delivers the single request
 * message, collects the single response and the status, and turns them into exactly one {@code Response}.
 *
 * <p>Threading: listener callbacks run one at a time on a {@link SerializingExecutor} over the handler
 * executor, inside the call's {@link Context} (metadata and deadline). {@link #close} may be called from
 * any thread; the first close, deadline or cancellation wins and later ones are ignored.
 */
final class UnaryServerCall<ReqT, RespT> extends ServerCall<ReqT, RespT> {

  private static final Logger log = LoggerFactory.getLogger(UnaryServerCall.class);

  private final long streamId;
  private final MethodDescriptor<ReqT, RespT> method;
  private final ServerCallHandler<ReqT, RespT> handler;
  private final Context.CancellableContext context;
  private final SerializingExecutor serializer;
  private final Attributes attributes;
  private final Consumer<Response> responder;
  private final Runnable onDone;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean cancelled;
  private volatile ByteString responsePayload;
  /** Only touched by tasks on {@link #serializer}. */
  private Listener<ReqT> listener;

  UnaryServerCall(
      long streamId,
      MethodDescriptor<ReqT, RespT> method,
      ServerCallHandler<ReqT, RespT> handler,
      Context.CancellableContext context,
      SerializingExecutor serializer,
      Attributes attributes,
      Consumer<Response> responder,
      Runnable onDone) {
    this.streamId = streamId;
    this.method = method;
    this.handler = handler;
    this.context = context;
    this.serializer = serializer;
    this.attributes = attributes;
    this.responder = responder;
    this.onDone = onDone;
  }

  /**
   * Hands the call to the handler executor. Throws {@link java.util.concurrent.RejectedExecutionException}
   * when the executor is saturated; nothing has been started then.
   */
  void start(ByteString payload, Metadata headers) {
    serializer.execute(() -> inContext(() -> deliver(payload, headers)));
    context.addListener(this::contextCancelled, Runnable::run);
  }

  private void deliver(ByteString payload, Metadata headers) {
    if (closed.get()) {
      return; // answered (deadline, disconnect) while waiting for a thread: the handler never runs
    }
    listener = handler.startCall(this, headers);
    if (closed.get()) {
      return; // an interceptor closed the call in startCall
    }
    ReqT request = parse(payload);
    listener.onMessage(request);
    listener.onHalfClose();
  }

  private ReqT parse(ByteString payload) {
    try (InputStream in = payload.newInput()) {
      return method.parseRequest(in);
    } catch (IOException | RuntimeException e) {
      throw new TtrpcException.MalformedPayload(
          "cannot decode the request payload of " + method.getFullMethodName(), e);
    }
  }

  /** Runs a listener step inside the call's context; a throwing step ends the call with its status. */
  private void inContext(Runnable step) {
    Context previous = context.attach();
    try {
      step.run();
    } catch (RuntimeException | Error e) {
      log.debug("{} on stream {} failed", method.getFullMethodName(), streamId, e);
      close(StatusMapper.toStatus(e), new Metadata());
      if (e instanceof Error error) {
        throw error;
      }
    } finally {
      context.detach(previous);
    }
  }

  @Override
  public void request(int numMessages) {
    // The single request message is delivered unconditionally; unary handlers always ask for it.
  }

  @Override
  public void sendHeaders(Metadata headers) {
    // ttrpc responses carry no headers.
  }

  @Override
  public void sendMessage(RespT message) {
    if (closed.get()) {
      return; // answered already (deadline or cancel); the late message has nowhere to go
    }
    if (responsePayload != null) {
      throw new IllegalStateException("unary call " + method.getFullMethodName() + " sent twice");
    }
    try (InputStream in = method.streamResponse(message)) {
      responsePayload = ByteString.readFrom(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialize the response", e);
    }
  }

  @Override
  public void close(Status status, Metadata trailers) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Response.Builder response = Response.newBuilder().setStatus(StatusMapper.toProto(status));
    if (status.isOk() && responsePayload != null) {
      response.setPayload(responsePayload);
    }
    if (!status.isOk() && status.getCause() != null) {
      log.debug("{} on stream {} failed: {}", method.getFullMethodName(), streamId, status);
    }
    responder.accept(response.build());
    onDone.run();
    notifyListener(Listener::onComplete);
    context.cancel(null); // releases the deadline timer; contextCancelled sees closed and returns
  }

  private void contextCancelled(Context ctx) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    cancelled = true;
    Status status =
        ctx.cancellationCause() instanceof TimeoutException
            ? Status.DEADLINE_EXCEEDED.withDescription(
                "deadline exceeded while serving " + method.getFullMethodName())
            : Status.CANCELLED.withDescription("call cancelled");
    responder.accept(Response.newBuilder().setStatus(StatusMapper.toProto(status)).build());
    onDone.run();
    notifyListener(Listener::onCancel);
  }

  /** Queues a final listener callback; a saturated executor loses it, never the response. */
  private void notifyListener(Consumer<Listener<ReqT>> callback) {
    try {
      serializer.execute(
          () -> {
            Listener<ReqT> l = listener;
            if (l != null) {
              inContext(() -> callback.accept(l));
            }
          });
    } catch (RejectedExecutionException e) {
      log.debug("{} on stream {}: final callback dropped, executor saturated",
          method.getFullMethodName(), streamId);
    }
  }

  /** Cancels the call because its connection is gone; no response is sent. */
  void cancelForDisconnect() {
    context.cancel(new TtrpcConnectionClosed());
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public boolean isReady() {
    return !closed.get();
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public MethodDescriptor<ReqT, RespT> getMethodDescriptor() {
    return method;
  }

  /** Cancellation cause marking a connection that closed under a running call. */
  static final class TtrpcConnectionClosed extends Exception {
    private static final long serialVersionUID = 1L;

    TtrpcConnectionClosed() {
      super("connection closed", null, false, false);
    }
  }
}
