package capsa.shim.task;

import capsa.shim.sandbox.TaskException;
import capsa.shim.spec.InvalidSpecException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Every failure → the {@code google.rpc.Status} containerd gets (reference §2.4). */
final class TaskErrors {

    private TaskErrors() {}

    static StatusRuntimeException toStatus(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof StatusRuntimeException sre) {
            return sre;
        }
        Status status;
        if (e instanceof TaskException.NotFound) {
            status = Status.NOT_FOUND;
        } else if (e instanceof TaskException.AlreadyExists) {
            status = Status.ALREADY_EXISTS;
        } else if (e instanceof TaskException.FailedPrecondition) {
            status = Status.FAILED_PRECONDITION;
        } else if (e instanceof TaskException.InvalidArgument || e instanceof InvalidSpecException) {
            status = Status.INVALID_ARGUMENT;
        } else if (e instanceof TaskException.Unavailable) {
            status = Status.UNAVAILABLE;
        } else if (e instanceof UnsupportedOperationException) {
            status = Status.UNIMPLEMENTED;
        } else {
            status = Status.INTERNAL;
        }
        return status.withDescription(e.getMessage() == null ? e.toString() : e.getMessage()).withCause(e)
                .asRuntimeException();
    }

    private static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
