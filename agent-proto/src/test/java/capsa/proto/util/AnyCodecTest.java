package capsa.proto.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import capsa.proto.containerd.events.TaskCheckpointed;
import capsa.proto.containerd.events.TaskCreate;
import capsa.proto.containerd.events.TaskDelete;
import capsa.proto.containerd.events.TaskExecAdded;
import capsa.proto.containerd.events.TaskExecStarted;
import capsa.proto.containerd.events.TaskExit;
import capsa.proto.containerd.events.TaskOOM;
import capsa.proto.containerd.events.TaskPaused;
import capsa.proto.containerd.events.TaskResumed;
import capsa.proto.containerd.events.TaskStart;
import capsa.proto.containerd.types.Mount;
import capsa.proto.io.containerd.cgroups.v1.Metrics;
import capsa.proto.runtimeoptions.v1.Options;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnyCodecTest {

  private static final List<Message> EVENTS = List.of(
      TaskCreate.getDefaultInstance(), TaskStart.getDefaultInstance(),
      TaskDelete.getDefaultInstance(), TaskExit.getDefaultInstance(),
      TaskOOM.getDefaultInstance(), TaskExecAdded.getDefaultInstance(),
      TaskExecStarted.getDefaultInstance(), TaskPaused.getDefaultInstance(),
      TaskResumed.getDefaultInstance(), TaskCheckpointed.getDefaultInstance());

  @Test
  void eventsPackWithBareTypeUrls() {
    assertThat(EVENTS).extracting(e -> AnyCodec.pack(e).getTypeUrl()).containsExactly(
        TypeUrls.TASK_CREATE, TypeUrls.TASK_START, TypeUrls.TASK_DELETE, TypeUrls.TASK_EXIT,
        TypeUrls.TASK_OOM, TypeUrls.TASK_EXEC_ADDED, TypeUrls.TASK_EXEC_STARTED,
        TypeUrls.TASK_PAUSED, TypeUrls.TASK_RESUMED, TypeUrls.TASK_CHECKPOINTED);
    assertThat(AnyCodec.pack(TaskExit.getDefaultInstance()).getTypeUrl())
        .isEqualTo("containerd.events.TaskExit");
  }

  @Test
  void everyEventHasATopic() {
    assertThat(EVENTS).extracting(e -> TaskTopics.of(e.getDescriptorForType())).containsExactly(
        "/tasks/create", "/tasks/start", "/tasks/delete", "/tasks/exit", "/tasks/oom",
        "/tasks/exec-added", "/tasks/exec-started", "/tasks/paused", "/tasks/resumed",
        "/tasks/checkpointed");
    assertThatThrownBy(() -> TaskTopics.of(Mount.getDescriptor()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void urlConstantsMatchTheGeneratedTypes() {
    assertThat(TypeUrls.RUNTIME_OPTIONS).isEqualTo(TypeUrls.of(Options.getDescriptor()));
    assertThat(TypeUrls.CGROUPS_V1_METRICS).isEqualTo(TypeUrls.of(Metrics.getDescriptor()));
    assertThat(TypeUrls.CGROUPS_V2_METRICS).isEqualTo(
        TypeUrls.of(capsa.proto.io.containerd.cgroups.v2.Metrics.getDescriptor()));
  }

  @Test
  void unpackAcceptsThePrefixedFormGoClientsMaySend() throws Exception {
    TaskExit exit = TaskExit.newBuilder().setContainerId("c1").setPid(9).build();
    Any prefixed = AnyCodec.of(TypeUrls.GOOGLE_PREFIX + TypeUrls.TASK_EXIT, exit.toByteString());

    assertThat(AnyCodec.unpack(prefixed, TaskExit.getDefaultInstance())).isEqualTo(exit);
  }

  @Test
  void unpackRejectsAnotherType() {
    Any oom = AnyCodec.pack(TaskOOM.newBuilder().setContainerId("c1").build());

    assertThatThrownBy(() -> AnyCodec.unpack(oom, TaskExit.getDefaultInstance()))
        .isInstanceOfSatisfying(UnexpectedTypeUrlException.class, e -> {
          assertThat(e.expected()).isEqualTo(TypeUrls.TASK_EXIT);
          assertThat(e.actual()).isEqualTo(TypeUrls.TASK_OOM);
        });
  }

  @Test
  void jsonPayloadsKeepContainerdsUrls() throws Exception {
    Any spec = AnyCodec.json(TypeUrls.OCI_PROCESS, "{\"args\":[\"sh\"]}");

    assertThat(spec.getTypeUrl()).isEqualTo("types.containerd.io/opencontainers/runtime-spec/1/Process");
    assertThat(AnyCodec.unpackJson(spec, TypeUrls.OCI_PROCESS)).isEqualTo("{\"args\":[\"sh\"]}");
    assertThatThrownBy(() -> AnyCodec.unpackJson(spec, TypeUrls.OCI_LINUX_RESOURCES))
        .isInstanceOf(UnexpectedTypeUrlException.class);
  }
}
