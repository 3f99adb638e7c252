package capsa.ttrpc;

/**
 * Protocol-level failures of the ttrpc layer. Each subclass is one kind of failure; {@link StatusMapper}
 * alone decides which status code it travels as. Messages are short and never repeat a cause's text.
 */
public abstract sealed class TtrpcException extends RuntimeException
    permits TtrpcException.InvalidStreamId,
        TtrpcException.OversizedMessage,
        TtrpcException.UnknownService,
        TtrpcException.UnknownMethod,
        TtrpcException.MalformedRequest,
        TtrpcException.MalformedPayload,
        TtrpcException.StreamingNotSupported,
        TtrpcException.ServerBusy {

  private static final long serialVersionUID = 1L;

  TtrpcException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A request's stream id is even, or not larger than the previous one. */
  public static final class InvalidStreamId extends TtrpcException {
    private static final long serialVersionUID = 1L;

    public InvalidStreamId(String message) {
      super(message, null);
    }
  }

  /** A frame or message exceeds the 4 MiB limit. */
  public static final class OversizedMessage extends TtrpcException {
    private static final long serialVersionUID = 1L;

    public OversizedMessage(String message) {
      super(message, null);
    }
  }

  /** The request names a service this server does not serve. */
  public static final class UnknownService extends TtrpcException {
    private static final long serialVersionUID = 1L;

    public UnknownService(String service) {
      super("service " + service, null);
    }
  }

  /** The request names a method the service does not have. */
  public static final class UnknownMethod extends TtrpcException {
    private static final long serialVersionUID = 1L;

    public UnknownMethod(String method) {
      super("method " + method, null);
    }
  }

  /** The frame data is not a valid {@code ttrpc.Request}. */
  public static final class MalformedRequest extends TtrpcException {
    private static final long serialVersionUID = 1L;

    public MalformedRequest(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The request payload could not be decoded as the method's request message. */
  public static final class MalformedPayload extends TtrpcException {
    private static final long serialVersionUID = 1L;

    public MalformedPayload(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The request asks for a streaming call, which this implementation does not serve. */
  public static final class StreamingNotSupported extends TtrpcException {
    private static final long serialVersionUID = 1L;

    public StreamingNotSupported(String message) {
      super(message, null);
    }
  }

  /** The handler executor refused the call (its queue is full). */
  public static final class ServerBusy extends TtrpcException {
    private static final long serialVersionUID = 1L;

    public ServerBusy(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
