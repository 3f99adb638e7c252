package capsa.bench;

import capsa.proto.containerd.task.v2.ConnectRequest;
import capsa.proto.containerd.task.v2.ConnectResponse;
import capsa.proto.containerd.task.v2.TaskGrpc;
import io.grpc.stub.StreamObserver;

/** A Task service that answers Connect the way the runc shim does for an unknown task: our pid, task pid 0. */
final class ConnectOnlyTask extends TaskGrpc.TaskImplBase {

    private final ConnectResponse reply =
            ConnectResponse.newBuilder().setShimPid((int) ProcessHandle.current().pid()).build();

    @Override
    public void connect(ConnectRequest request, StreamObserver<ConnectResponse> response) {
        response.onNext(reply);
        response.onCompleted();
    }
}
