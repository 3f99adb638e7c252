package capsa.proto.containerd;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.proto.containerd.runtime.bootstrap.v1.LogLevel;
import capsa.proto.containerd.v1.types.Status;
import com.google.protobuf.Descriptors.Descriptor;
import org.junit.jupiter.api.Test;

/**
 * Field numbers that are easy to get wrong (gaps, late additions) checked against the facts in
 * containerd-shim-v2.md and containerd/cgroups, so a careless edit of a .proto fails a test.
 */
class SchemaSpotCheckTest {

  @Test
  void cgroupsV2MetricsSkipsFieldThree() {
    Descriptor metrics = capsa.proto.io.containerd.cgroups.v2.Metrics.getDescriptor();
    assertThat(metrics.getFullName()).isEqualTo("io.containerd.cgroups.v2.Metrics");
    assertThat(metrics.findFieldByNumber(3)).isNull();
    assertThat(metrics.findFieldByName("memory").getNumber()).isEqualTo(4);
    assertThat(metrics.findFieldByName("memory_events").getNumber()).isEqualTo(8);
    assertThat(capsa.proto.io.containerd.cgroups.v2.MemoryStat.getDescriptor()
        .findFieldByName("swap_max_usage").getNumber()).isEqualTo(37);
  }

  @Test
  void cgroupsV1MetricsNumbers() {
    Descriptor metrics = capsa.proto.io.containerd.cgroups.v1.Metrics.getDescriptor();
    assertThat(metrics.getFullName()).isEqualTo("io.containerd.cgroups.v1.Metrics");
    assertThat(metrics.findFieldByName("hugetlb").getNumber()).isEqualTo(1);
    assertThat(metrics.findFieldByName("blkio").getNumber()).isEqualTo(5);
    assertThat(metrics.findFieldByName("memory_oom_control").getNumber()).isEqualTo(9);
    assertThat(capsa.proto.io.containerd.cgroups.v1.MemoryStat.getDescriptor()
        .findFieldByName("kernel_tcp").getNumber()).isEqualTo(36);
  }

  @Test
  void enumsUseContainerdsNumbers() {
    assertThat(Status.PAUSING.getNumber()).isEqualTo(5);
    assertThat(Status.getDescriptor().getFullName()).isEqualTo("containerd.v1.types.Status");
    assertThat(LogLevel.LOG_LEVEL_TRACE.getNumber()).isEqualTo(-8);
    assertThat(LogLevel.LOG_LEVEL_PANIC.getNumber()).isEqualTo(12);
  }

  @Test
  void stateResponseAndRuntimeInfoNumbers() {
    Descriptor state = capsa.proto.containerd.task.v2.StateResponse.getDescriptor();
    assertThat(state.findFieldByName("exited_at").getNumber()).isEqualTo(10);
    assertThat(state.findFieldByName("exec_id").getNumber()).isEqualTo(11);
    Descriptor info = capsa.proto.containerd.types.RuntimeInfo.getDescriptor();
    assertThat(info.getFullName()).isEqualTo("containerd.types.RuntimeInfo");
    assertThat(info.findFieldByName("annotations").getNumber()).isEqualTo(5);
  }
}
