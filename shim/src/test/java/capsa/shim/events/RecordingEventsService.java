package capsa.shim.events;

import capsa.proto.containerd.services.events.ttrpc.v1.EventsGrpc;
import capsa.proto.containerd.services.events.ttrpc.v1.ForwardRequest;
import capsa.proto.containerd.types.Envelope;
import capsa.ttrpc.TtrpcMetadata;
import com.google.protobuf.Empty;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * containerd's Events/Forward as a recorder: keeps every accepted envelope with its namespace metadata, and
 * rejects with InvalidArgument those that match {@code reject}.
 */
final class RecordingEventsService extends EventsGrpc.EventsImplBase {

    record Received(Envelope envelope, String namespaceHeader) {}

    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final List<Envelope> rejected = new CopyOnWriteArrayList<>();
    private final Predicate<Envelope> reject;

    RecordingEventsService(Predicate<Envelope> reject) {
        this.reject = reject;
    }

    @Override
    public void forward(ForwardRequest request, StreamObserver<Empty> response) {
        if (reject.test(request.getEnvelope())) {
            rejected.add(request.getEnvelope());
            response.onError(Status.INVALID_ARGUMENT.withDescription("rejected by test").asRuntimeException());
            return;
        }
        received.add(new Received(request.getEnvelope(),
                TtrpcMetadata.current().get("containerd-namespace-ttrpc").orElse("")));
        response.onNext(Empty.getDefaultInstance());
        response.onCompleted();
    }

    /** The next accepted envelope, waiting up to {@code timeout}. */
    Received next(Duration timeout) throws InterruptedException {
        Received r = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
            throw new AssertionError("no event forwarded within " + timeout);
        }
        return r;
    }

    List<Envelope> rejected() {
        return List.copyOf(rejected);
    }

    boolean nothingMore(Duration wait) throws InterruptedException {
        return received.poll(wait.toMillis(), TimeUnit.MILLISECONDS) == null;
    }
}
