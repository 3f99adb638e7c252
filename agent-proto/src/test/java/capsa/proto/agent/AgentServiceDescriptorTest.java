package capsa.proto.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The ttrpc request names a service and a method by string, so a stock kata-agent only
 * understands us if these names are exactly Kata's.
 */
class AgentServiceDescriptorTest {

  /** Every AgentService method named in the reference (§1.3 of kata-agent-and-hypervisors.md). */
  private static final List<String> REFERENCE_AGENT_METHODS = List.of(
      "SetPolicy", "UpdateInterface", "UpdateRoutes", "AddARPNeighbors", "CreateSandbox",
      "GetGuestDetails", "CreateContainer", "StartContainer", "ExecProcess", "WaitProcess",
      "SignalProcess", "ReadStdout", "ReadStderr", "WriteStdin", "CloseStdin", "TtyWinResize",
      "UpdateContainer", "StatsContainer", "PauseContainer", "ResumeContainer", "RemoveContainer",
      "RemoveStaleVirtiofsShareMounts", "GetOOMEvent", "OnlineCPUMem", "MemHotplugByProbe",
      "UpdateEphemeralMounts", "DestroySandbox", "CopyFile", "SetGuestDateTime",
      "ReseedRandomDev", "AddSwap", "GetMetrics", "GetVolumeStats", "ResizeVolume",
      "GetIPTables", "SetIPTables", "ListInterfaces", "ListRoutes", "GetDiagnosticData",
      "AddSwapPath", "MemAgentMemcgSet", "MemAgentCompactSet");

  private static final ServiceDescriptor AGENT = AgentProto.getDescriptor()
      .findServiceByName("AgentService");
  private static final ServiceDescriptor HEALTH = HealthProto.getDescriptor()
      .findServiceByName("Health");

  @Test
  void servicesLiveInProtoPackageGrpc() {
    assertThat(AGENT.getFullName()).isEqualTo("grpc.AgentService");
    assertThat(HEALTH.getFullName()).isEqualTo("grpc.Health");
    assertThat(AgentServiceGrpc.SERVICE_NAME).isEqualTo("grpc.AgentService");
    assertThat(HealthGrpc.SERVICE_NAME).isEqualTo("grpc.Health");
  }

  @Test
  void agentServiceDeclaresEveryReferenceMethodAndNothingElse() {
    List<String> declared = AGENT.getMethods().stream()
        .map(MethodDescriptor::getName)
        .collect(Collectors.toList());
    assertThat(declared).containsExactlyInAnyOrderElementsOf(REFERENCE_AGENT_METHODS);
  }

  @Test
  void healthHasCheckAndVersion() {
    assertThat(signature(HEALTH.findMethodByName("Check")))
        .isEqualTo("grpc.CheckRequest -> grpc.HealthCheckResponse");
    assertThat(signature(HEALTH.findMethodByName("Version")))
        .isEqualTo("grpc.CheckRequest -> grpc.VersionCheckResponse");
  }

  @Test
  void keyMethodsCarryKatasMessageTypes() {
    assertThat(signature(AGENT.findMethodByName("CreateContainer")))
        .isEqualTo("grpc.CreateContainerRequest -> google.protobuf.Empty");
    assertThat(signature(AGENT.findMethodByName("WaitProcess")))
        .isEqualTo("grpc.WaitProcessRequest -> grpc.WaitProcessResponse");
    assertThat(signature(AGENT.findMethodByName("ReadStdout")))
        .isEqualTo("grpc.ReadStreamRequest -> grpc.ReadStreamResponse");
    assertThat(signature(AGENT.findMethodByName("ReadStderr")))
        .isEqualTo("grpc.ReadStreamRequest -> grpc.ReadStreamResponse");
    assertThat(signature(AGENT.findMethodByName("WriteStdin")))
        .isEqualTo("grpc.WriteStreamRequest -> grpc.WriteStreamResponse");
    assertThat(signature(AGENT.findMethodByName("UpdateInterface")))
        .isEqualTo("grpc.UpdateInterfaceRequest -> types.Interface");
    assertThat(signature(AGENT.findMethodByName("UpdateRoutes")))
        .isEqualTo("grpc.UpdateRoutesRequest -> grpc.Routes");
    assertThat(signature(AGENT.findMethodByName("GetGuestDetails")))
        .isEqualTo("grpc.GuestDetailsRequest -> grpc.GuestDetailsResponse");
    assertThat(signature(AGENT.findMethodByName("GetOOMEvent")))
        .isEqualTo("grpc.GetOOMEventRequest -> grpc.OOMEvent");
    assertThat(signature(AGENT.findMethodByName("GetVolumeStats")))
        .isEqualTo("grpc.VolumeStatsRequest -> grpc.VolumeStatsResponse");
    assertThat(signature(AGENT.findMethodByName("MemAgentMemcgSet")))
        .isEqualTo("grpc.MemAgentMemcgConfig -> google.protobuf.Empty");
  }

  @Test
  void noMethodStreams() {
    // ttrpc unary calls only: Kata's agent API has no streaming RPCs.
    assertThat(AGENT.getMethods())
        .noneMatch(m -> m.isClientStreaming() || m.isServerStreaming());
    assertThat(HEALTH.getMethods())
        .noneMatch(m -> m.isClientStreaming() || m.isServerStreaming());
  }

  @Test
  void grpcFullMethodNameJoinsServiceAndMethod() {
    assertThat(AgentServiceGrpc.getCreateContainerMethod().getFullMethodName())
        .isEqualTo("grpc.AgentService/CreateContainer");
    assertThat(HealthGrpc.getCheckMethod().getFullMethodName()).isEqualTo("grpc.Health/Check");
  }

  private static String signature(MethodDescriptor method) {
    assertThat(method).as("method exists").isNotNull();
    return method.getInputType().getFullName() + " -> " + method.getOutputType().getFullName();
  }
}
