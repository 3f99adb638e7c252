package capsa.ttrpc;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The one place where exceptions become status codes, and where grpc-java {@link Status} and the wire
 * {@code google.rpc.Status} are converted into each other. Decisions are made by exception type, never by
 * message text.
 */
public final class StatusMapper {

  private StatusMapper() {}

  /** The status an exception travels as. */
  public static Status toStatus(Throwable t) {
    Throwable e = unwrap(t);
    if (e instanceof StatusRuntimeException || e instanceof StatusException) {
      return Status.fromThrowable(e);
    }
    if (e instanceof TtrpcException te) {
      return codeOf(te).withDescription(te.getMessage()).withCause(te);
    }
    if (e instanceof TimeoutException) {
      return Status.DEADLINE_EXCEEDED.withDescription(describe(e)).withCause(e);
    }
    if (e instanceof CancellationException) {
      return Status.CANCELLED.withDescription(describe(e)).withCause(e);
    }
    if (e instanceof UnsupportedOperationException) {
      return Status.UNIMPLEMENTED.withDescription(describe(e)).withCause(e);
    }
    return Status.UNKNOWN.withDescription(describe(e)).withCause(e);
  }

  private static Status codeOf(TtrpcException e) {
    if (e instanceof TtrpcException.InvalidStreamId
        || e instanceof TtrpcException.MalformedRequest
        || e instanceof TtrpcException.MalformedPayload) {
      return Status.INVALID_ARGUMENT;
    }
    if (e instanceof TtrpcException.OversizedMessage || e instanceof TtrpcException.ServerBusy) {
      return Status.RESOURCE_EXHAUSTED;
    }
    if (e instanceof TtrpcException.UnknownService
        || e instanceof TtrpcException.UnknownMethod
        || e instanceof TtrpcException.StreamingNotSupported) {
      return Status.UNIMPLEMENTED;
    }
    throw new AssertionError("unmapped " + e.getClass().getName());
  }

  /** Converts to the wire form. A missing description falls back to the cause's message. */
  public static capsa.proto.rpc.Status toProto(Status status) {
    capsa.proto.rpc.Status.Builder b =
        capsa.proto.rpc.Status.newBuilder().setCode(status.getCode().value());
    String message = status.getDescription();
    if (message == null && status.getCause() != null) {
      message = describe(unwrap(status.getCause()));
    }
    if (message != null) {
      b.setMessage(message);
    }
    return b.build();
  }

  /** Converts from the wire form; unknown code numbers become {@code UNKNOWN} (grpc-java's rule). */
  public static Status fromProto(capsa.proto.rpc.Status proto) {
    Status status = Status.fromCodeValue(proto.getCode());
    return proto.getMessage().isEmpty() ? status : status.withDescription(proto.getMessage());
  }

  private static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message != null ? message : e.getClass().getName();
  }
}
