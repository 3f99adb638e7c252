package capsa.e2e.support;

import capsa.proto.containerd.task.v2.ConnectRequest;
import capsa.proto.containerd.task.v2.ConnectResponse;
import capsa.proto.containerd.task.v2.StateRequest;
import capsa.proto.containerd.task.v2.StateResponse;
import capsa.proto.containerd.task.v2.TaskGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Task service that knows one task and answers {@code State} for it with a fixed reply, {@code Connect} with our own
 * pid, and {@code NotFound} for any other id, the way the runc shim words it. Every other RPC is Unimplemented (the
 * generated base class). Records the State requests it saw.
 */
public final class StubTaskService extends TaskGrpc.TaskImplBase {

    private final StateResponse state;
    private final List<StateRequest> stateRequests = new CopyOnWriteArrayList<>();

    public StubTaskService(StateResponse state) {
        this.state = state;
    }

    @Override
    public void state(StateRequest request, StreamObserver<StateResponse> response) {
        stateRequests.add(request);
        if (!request.getId().equals(state.getId())) {
            response.onError(Status.NOT_FOUND.withDescription("container not created: not found").asRuntimeException());
            return;
        }
        response.onNext(state);
        response.onCompleted();
    }

    @Override
    public void connect(ConnectRequest request, StreamObserver<ConnectResponse> response) {
        response.onNext(ConnectResponse.newBuilder()
                .setShimPid((int) ProcessHandle.current().pid())
                .setTaskPid(request.getId().equals(state.getId()) ? state.getPid() : 0)
                .build());
        response.onCompleted();
    }

    public List<StateRequest> stateRequests() {
        return List.copyOf(stateRequests);
    }
}
