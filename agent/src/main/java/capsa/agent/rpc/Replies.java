package capsa.agent.rpc;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Completes unary calls: {@link #now} runs a (possibly blocking) action on the ttrpc handler thread; {@link #later}
 * answers when a future completes (long polls hold no thread while they wait).
 */
final class Replies {
  private Replies() {}

  static <T> void now(StreamObserver<T> observer, Supplier<T> action) {
    T result;
    try {
      result = action.get();
    } catch (RuntimeException e) {
      observer.onError(RpcErrors.toStatus(e));
      return;
    }
    observer.onNext(result);
    observer.onCompleted();
  }

  static <T> void later(StreamObserver<T> observer, Supplier<CompletableFuture<T>> action) {
    CompletableFuture<T> future;
    try {
      future = action.get();
    } catch (RuntimeException e) {
      observer.onError(RpcErrors.toStatus(e));
      return;
    }
    // A host that disconnects cancels the call's context: give up the wait so no output is taken for a dead call.
    Context.current().addListener(ctx -> future.cancel(false), Runnable::run);
    future.whenComplete(
        (result, error) -> {
          if (error != null) {
            observer.onError(RpcErrors.toStatus(error));
          } else {
            observer.onNext(result);
            observer.onCompleted();
          }
        });
  }
}
