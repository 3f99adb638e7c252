package capsa.agent.rpc;

import capsa.proto.agent.CheckRequest;
import capsa.proto.agent.HealthCheckResponse;
import capsa.proto.agent.HealthGrpc;
import capsa.proto.agent.VersionCheckResponse;
import io.grpc.stub.StreamObserver;

/** {@code grpc.Health}: answers at once, without touching any lock the container code holds. */
public final class HealthHandler extends HealthGrpc.HealthImplBase {
  private final String agentVersion;

  public HealthHandler(String agentVersion) {
    this.agentVersion = agentVersion;
  }

  @Override
  public void check(CheckRequest request, StreamObserver<HealthCheckResponse> observer) {
    observer.onNext(HealthCheckResponse.newBuilder().setStatus(HealthCheckResponse.ServingStatus.SERVING).build());
    observer.onCompleted();
  }

  @Override
  public void version(CheckRequest request, StreamObserver<VersionCheckResponse> observer) {
    observer.onNext(VersionCheckResponse.newBuilder().setGrpcVersion("ttrpc").setAgentVersion(agentVersion).build());
    observer.onCompleted();
  }
}
