package capsa.proto.containerd;

import static capsa.proto.GoldenBytes.parse;
import static org.assertj.core.api.Assertions.assertThat;

import capsa.proto.containerd.events.TaskExit;
import capsa.proto.containerd.events.TaskOOM;
import capsa.proto.containerd.services.events.ttrpc.v1.ForwardRequest;
import capsa.proto.containerd.task.v2.StatsResponse;
import capsa.proto.containerd.types.Envelope;
import capsa.proto.io.containerd.cgroups.v2.Metrics;
import capsa.proto.io.containerd.cgroups.v2.PidsStat;
import capsa.proto.util.AnyCodec;
import capsa.proto.util.TaskTopics;
import com.google.protobuf.Timestamp;
import org.junit.jupiter.api.Test;

/** Events forwarded to containerd and stats returned to it, byte for byte. */
class EventsGoldenTest {

  @Test
  void forwardRequestCarriesAnEnvelopeWithABareTypeUrl() {
    TaskOOM oom = TaskOOM.newBuilder().setContainerId("c1").build();
    ForwardRequest forward = ForwardRequest.newBuilder()
        .setEnvelope(Envelope.newBuilder()
            .setTimestamp(Timestamp.newBuilder().setSeconds(1))
            .setNamespace("default")
            .setTopic(TaskTopics.of(oom.getDescriptorForType()))
            .setEvent(AnyCodec.pack(oom)))
        .build();

    assertThat(forward.toByteArray()).isEqualTo(parse("0a 3c"
        + " 0a 02 08 01"
        + " 12 07 \"default\""
        + " 1a 0a \"/tasks/oom\""
        + " 22 21 0a 19 \"containerd.events.TaskOOM\" 12 04 0a 02 \"c1\""));
  }

  @Test
  void taskExitDecodesFromAnEnvelopeEvent() throws Exception {
    Envelope envelope = Envelope.parseFrom(parse(
        "1a 0b \"/tasks/exit\" 22 26 0a 1a \"containerd.events.TaskExit\" 12 08 0a 02 \"c1\" 18 07 20 01"));

    TaskExit exit = AnyCodec.unpack(envelope.getEvent(), TaskExit.getDefaultInstance());
    assertThat(exit.getContainerId()).isEqualTo("c1");
    assertThat(exit.getPid()).isEqualTo(7);
    assertThat(exit.getExitStatus()).isEqualTo(1);
  }

  @Test
  void statsResponseCarriesCgroupsV2Metrics() {
    StatsResponse stats = StatsResponse.newBuilder()
        .setStats(AnyCodec.pack(Metrics.newBuilder()
            .setPids(PidsStat.newBuilder().setCurrent(3)).build()))
        .build();

    assertThat(stats.toByteArray()).isEqualTo(parse(
        "0a 28 0a 20 \"io.containerd.cgroups.v2.Metrics\" 12 04 0a 02 08 03"));
  }
}
