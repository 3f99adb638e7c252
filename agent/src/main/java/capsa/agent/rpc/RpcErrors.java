package capsa.agent.rpc;

import capsa.agent.AgentException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where agent errors become status codes. Never matches on message text. */
public final class RpcErrors {
  private static final Logger log = LoggerFactory.getLogger(RpcErrors.class);
  /** Failing calls are triggered by the host and its workload: keep the console readable. */
  private static final capsa.agent.LogRateLimiter LIMIT = new capsa.agent.LogRateLimiter(1, 20);

  private RpcErrors() {}

  public static StatusRuntimeException toStatus(Throwable t) {
    Throwable e = unwrap(t);
    if (e instanceof StatusRuntimeException sre) {
      return sre;
    }
    Status status;
    if (e instanceof AgentException.NotFound) {
      status = Status.NOT_FOUND;
    } else if (e instanceof AgentException.AlreadyExists) {
      status = Status.ALREADY_EXISTS;
    } else if (e instanceof AgentException.FailedPrecondition) {
      status = Status.FAILED_PRECONDITION;
    } else if (e instanceof AgentException.InvalidArgument) {
      status = Status.INVALID_ARGUMENT;
    } else if (e instanceof AgentException.Internal) {
      status = Status.INTERNAL;
    } else if (e instanceof CancellationException) {
      status = Status.CANCELLED;
    } else {
      status = Status.INTERNAL;
    }
    long dropped = LIMIT.tryAcquire();
    if (dropped >= 0) {
      if (status == Status.INTERNAL) {
        log.warn("RPC failed ({} similar lines suppressed)", dropped, e);
      } else {
        log.debug("RPC refused: {} {}", status.getCode(), e.getMessage());
      }
    }
    return status.withDescription(e.getMessage()).asRuntimeException();
  }

  private static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
