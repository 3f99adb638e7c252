package capsa.proto.containerd;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.proto.containerd.services.events.ttrpc.v1.EventsGrpc;
import capsa.proto.containerd.services.events.ttrpc.v1.EventsProto;
import capsa.proto.containerd.task.v2.ShimProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The service names and method sets containerd calls by name over ttrpc, and the promise that
 * containerd.task.v3 is the v2 schema under another package.
 */
class ServiceDescriptorTest {

  private static final List<String> TASK_METHODS = List.of(
      "State", "Create", "Start", "Delete", "Pids", "Pause", "Resume", "Checkpoint", "Kill",
      "Exec", "ResizePty", "CloseIO", "Update", "Wait", "Stats", "Connect", "Shutdown");

  private static final ServiceDescriptor V2 = ShimProto.getDescriptor().findServiceByName("Task");
  private static final ServiceDescriptor V3 =
      capsa.proto.containerd.task.v3.ShimProto.getDescriptor().findServiceByName("Task");

  @Test
  void taskServicesHaveContainerdsNamesAndAllSeventeenMethods() {
    assertThat(V2.getFullName()).isEqualTo("containerd.task.v2.Task");
    assertThat(V3.getFullName()).isEqualTo("containerd.task.v3.Task");
    assertThat(names(V2)).containsExactlyElementsOf(TASK_METHODS);
    assertThat(names(V3)).containsExactlyElementsOf(TASK_METHODS);
  }

  @Test
  void grpcStubsUseTheSameNamesAndAreAllUnary() {
    var v2 = capsa.proto.containerd.task.v2.TaskGrpc.getServiceDescriptor();
    var v3 = capsa.proto.containerd.task.v3.TaskGrpc.getServiceDescriptor();
    assertThat(v2.getName()).isEqualTo("containerd.task.v2.Task");
    assertThat(v3.getName()).isEqualTo("containerd.task.v3.Task");
    assertThat(v2.getMethods()).hasSize(17).allMatch(m -> m.getType() == MethodType.UNARY);
    assertThat(v3.getMethods()).hasSize(17).allMatch(m -> m.getType() == MethodType.UNARY);
    assertThat(v2.getMethods()).extracting(io.grpc.MethodDescriptor::getFullMethodName)
        .contains("containerd.task.v2.Task/Connect", "containerd.task.v2.Task/Shutdown");
  }

  @Test
  void v3MessagesMatchV2FieldForField() {
    for (MethodDescriptor m2 : V2.getMethods()) {
      MethodDescriptor m3 = V3.findMethodByName(m2.getName());
      assertSameShape(m2.getInputType(), m3.getInputType());
      assertSameShape(m2.getOutputType(), m3.getOutputType());
    }
    assertThat(ShimProto.getDescriptor().getMessageTypes()).extracting(Descriptor::getName)
        .containsExactlyElementsOf(capsa.proto.containerd.task.v3.ShimProto.getDescriptor()
            .getMessageTypes().stream().map(Descriptor::getName).collect(Collectors.toList()));
  }

  @Test
  void eventsServiceOffersForward() {
    ServiceDescriptor events = EventsProto.getDescriptor().findServiceByName("Events");
    assertThat(events.getFullName()).isEqualTo("containerd.services.events.ttrpc.v1.Events");
    assertThat(names(events)).containsExactly("Forward");
    assertThat(events.findMethodByName("Forward").getInputType().getFullName())
        .isEqualTo("containerd.services.events.ttrpc.v1.ForwardRequest");
    assertThat(events.findMethodByName("Forward").getOutputType().getFullName())
        .isEqualTo("google.protobuf.Empty");
    assertThat(EventsGrpc.SERVICE_NAME).isEqualTo(events.getFullName());
  }

  private static List<String> names(ServiceDescriptor service) {
    return service.getMethods().stream().map(MethodDescriptor::getName).collect(Collectors.toList());
  }

  private static void assertSameShape(Descriptor a, Descriptor b) {
    assertThat(b.getName()).isEqualTo(a.getName());
    assertThat(b.getFields()).hasSameSizeAs(a.getFields());
    for (FieldDescriptor fa : a.getFields()) {
      FieldDescriptor fb = b.findFieldByNumber(fa.getNumber());
      assertThat(fb).as("%s field %d", b.getFullName(), fa.getNumber()).isNotNull();
      assertThat(fb.getName()).isEqualTo(fa.getName());
      assertThat(fb.getType()).isEqualTo(fa.getType());
      assertThat(fb.isRepeated()).isEqualTo(fa.isRepeated());
      if (fa.getType() == FieldDescriptor.Type.MESSAGE && !fa.isMapField()) {
        // Shared types (Mount, Timestamp, Any) are the very same descriptor in both.
        String ta = fa.getMessageType().getFullName();
        String tb = fb.getMessageType().getFullName();
        assertThat(tb.replace(".v3.", ".v2.")).isEqualTo(ta);
      }
    }
  }
}
