package capsa.shim.task;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/** Calls a service handler directly and captures its single answer. */
final class Rpc {

    private Rpc() {}

    static <Q, R> CompletableFuture<R> call(BiConsumer<Q, StreamObserver<R>> handler, Q request) {
        CompletableFuture<R> f = new CompletableFuture<>();
        handler.accept(request, new StreamObserver<R>() {
            @Override
            public void onNext(R value) {
                f.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                f.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {}
        });
        return f;
    }

    static <Q, R> R ok(BiConsumer<Q, StreamObserver<R>> handler, Q request) throws Exception {
        return call(handler, request).get(20, TimeUnit.SECONDS);
    }

    static <Q, R> Status.Code code(BiConsumer<Q, StreamObserver<R>> handler, Q request) throws Exception {
        try {
            call(handler, request).get(20, TimeUnit.SECONDS);
            return Status.Code.OK;
        } catch (ExecutionException e) {
            return Status.fromThrowable(e.getCause()).getCode();
        }
    }

    /** The status description of a failed call ("" if it succeeded). */
    static <Q, R> String message(BiConsumer<Q, StreamObserver<R>> handler, Q request) throws Exception {
        try {
            call(handler, request).get(20, TimeUnit.SECONDS);
            return "";
        } catch (ExecutionException e) {
            return String.valueOf(Status.fromThrowable(e.getCause()).getDescription());
        }
    }
}
