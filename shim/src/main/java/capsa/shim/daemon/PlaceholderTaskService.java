package capsa.shim.daemon;

import capsa.proto.containerd.task.v2.ConnectRequest;
import capsa.proto.containerd.task.v2.ConnectResponse;
import capsa.proto.containerd.task.v2.ShutdownRequest;
import capsa.proto.containerd.task.v2.TaskGrpc;
import com.google.protobuf.Empty;
import io.grpc.stub.StreamObserver;
import java.util.Objects;

/**
 * PLACEHOLDER until the real Task service (package {@code capsa.shim.task}) replaces it: answers {@code Connect}
 * with the daemon's pid, exits the daemon on {@code Shutdown} (it never has tasks), and returns
 * {@code Unimplemented} for everything else (the generated base class does), so containerd fails Create cleanly
 * and runs {@code delete}.
 */
public final class PlaceholderTaskService extends TaskGrpc.TaskImplBase {

    /** The factory the daemon uses until the real one exists. */
    public static final TaskServiceFactory FACTORY = context -> new PlaceholderTaskService(context.shutdown());

    private final ShutdownService shutdown;

    public PlaceholderTaskService(ShutdownService shutdown) {
        this.shutdown = Objects.requireNonNull(shutdown, "shutdown");
    }

    @Override
    public void connect(ConnectRequest request, StreamObserver<ConnectResponse> response) {
        response.onNext(ConnectResponse.newBuilder().setShimPid((int) ProcessHandle.current().pid()).build());
        response.onCompleted();
    }

    @Override
    public void shutdown(ShutdownRequest request, StreamObserver<Empty> response) {
        response.onNext(Empty.getDefaultInstance());
        response.onCompleted();
        // After the reply is queued: the connection closes behind it when the server stops.
        shutdown.requestShutdown("Shutdown RPC for " + request.getId() + " and no task left");
    }
}
