package capsa.shim.sandbox;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Waiting for agent calls on the lifecycle thread, and what their failures mean. */
final class AgentCalls {

    private AgentCalls() {}

    /** Waits for an agent call on the lifecycle thread; agent status codes pass through unchanged. */
    static <T> T call(String what, CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw failure(what, e);
        }
    }

    static RuntimeException failure(String what, CompletionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        if (cause instanceof io.grpc.StatusRuntimeException sre) {
            return new io.grpc.StatusRuntimeException(
                    sre.getStatus().withDescription(what + ": " + sre.getStatus().getDescription()));
        }
        return cause instanceof RuntimeException re ? re : new TaskException.Internal(what + ": " + cause, cause);
    }

    static boolean connectionLost(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        return io.grpc.Status.fromThrowable(c).getCode() == io.grpc.Status.Code.UNAVAILABLE;
    }

    static String message(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }
}
