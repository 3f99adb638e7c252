package capsa.ttrpc.testing;

import capsa.test.EchoGrpc;
import capsa.test.EchoRequest;
import capsa.test.EchoResponse;
import capsa.ttrpc.TtrpcMetadata;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Echo service used by the tests. Echo answers at once (with the blob doubled for text "double"), Sleep blocks its handler thread, Fail fails in
 * the way the request asks. Records what each handler saw so tests can assert on the server side.
 */
public final class RecordingEchoService extends EchoGrpc.EchoImplBase {

  /** What a handler saw: its request text, the deadline left (-1 if none) and its metadata. */
  public record Seen(String method, String text, long deadlineNanos, TtrpcMetadata metadata) {}

  public final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
  /** Text of Sleep calls whose context was cancelled while they slept. */
  public final BlockingQueue<String> cancelled = new LinkedBlockingQueue<>();
  /** Text of Sleep calls that have started sleeping. */
  public final BlockingQueue<String> sleeping = new LinkedBlockingQueue<>();

  @Override
  public void echo(EchoRequest request, StreamObserver<EchoResponse> responses) {
    EchoResponse response = respond("Echo", request);
    if (request.getText().equals("double")) {
      response = response.toBuilder().setBlob(request.getBlob().concat(request.getBlob())).build();
    }
    responses.onNext(response);
    responses.onCompleted();
  }

  @Override
  public void sleep(EchoRequest request, StreamObserver<EchoResponse> responses) {
    EchoResponse response = respond("Sleep", request);
    CountDownLatch cancel = new CountDownLatch(1);
    Context.current().addListener(ctx -> cancel.countDown(), Runnable::run);
    sleeping.add(request.getText());
    try {
      if (cancel.await(request.getSleepMillis(), TimeUnit.MILLISECONDS)) {
        cancelled.add(request.getText());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    responses.onNext(response);
    responses.onCompleted();
  }

  @Override
  public void fail(EchoRequest request, StreamObserver<EchoResponse> responses) {
    respond("Fail", request);
    switch (request.getFailure()) {
      case "status" -> responses.onError(
          Status.NOT_FOUND.withDescription("container not created: not found").asRuntimeException());
      case "observer" -> responses.onError(new IllegalArgumentException("bad thing"));
      default -> throw new IllegalStateException("boom");
    }
  }

  private EchoResponse respond(String method, EchoRequest request) {
    Deadline deadline = Context.current().getDeadline();
    long left = deadline == null ? -1 : deadline.timeRemaining(TimeUnit.NANOSECONDS);
    TtrpcMetadata metadata = TtrpcMetadata.current();
    seen.add(new Seen(method, request.getText(), left, metadata));
    EchoResponse.Builder b =
        EchoResponse.newBuilder().setText(request.getText()).setDeadlineNanos(left).setBlob(request.getBlob());
    metadata.asMap().forEach((k, vs) -> vs.forEach(v -> b.addMetadata(k + "=" + v)));
    return b.build();
  }
}
