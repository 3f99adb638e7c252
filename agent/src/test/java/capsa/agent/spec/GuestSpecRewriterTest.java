package capsa.agent.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import capsa.agent.AgentException;
import capsa.agent.testing.Specs;
import capsa.proto.oci.LinuxMemory;
import capsa.proto.oci.LinuxResources;
import capsa.proto.oci.POSIXRlimit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestSpecRewriterTest {
  @TempDir Path shared;
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void protoBecomesRuntimeSpecJson() {
    var spec =
        Specs.spec(true, "/bin/sh").toBuilder()
            .setProcess(
                Specs.process(true, "/bin/sh").toBuilder()
                    .addRlimits(POSIXRlimit.newBuilder().setType("RLIMIT_NOFILE").setHard(-1L).setSoft(1024)))
            .setLinux(
                Specs.spec(false).getLinux().toBuilder()
                    .setResources(LinuxResources.newBuilder().setMemory(LinuxMemory.newBuilder().setLimit(1 << 20))))
            .build();
    ObjectNode json = new OciJson(mapper).spec(spec);
    assertThat(json.path("ociVersion").asText()).isEqualTo("1.0.2-dev");
    assertThat(json.path("process").path("terminal").asBoolean()).isTrue();
    assertThat(json.path("process").path("rlimits").get(0).path("hard").bigIntegerValue().toString())
        .isEqualTo("18446744073709551615");
    assertThat(json.path("process").path("capabilities").path("bounding").get(0).asText()).isEqualTo("CAP_AUDIT_WRITE");
    assertThat(json.path("linux").path("resources").path("memory").path("limit").asLong()).isEqualTo(1 << 20);
    assertThat(json.path("mounts").get(1).path("options").get(0).asText()).isEqualTo("nosuid");
  }

  @Test
  void guestRewritesRootNamespacesAndCgroup() throws Exception {
    Files.createDirectories(shared.resolve("c1/rootfs"));
    ObjectNode json = new OciJson(mapper).spec(Specs.spec(false, "/bin/true"));
    new GuestSpecRewriter(shared, "/capsa", true).rewrite("c1", json, Optional.of(Path.of("/proc/42/ns/pid")));
    assertThat(json.path("root").path("path").asText()).isEqualTo(shared.resolve("c1/rootfs").toString());
    assertThat(json.path("linux").path("cgroupsPath").asText()).isEqualTo("/capsa/c1");
    JsonNode ns = json.path("linux").path("namespaces");
    assertThat(ns.findValuesAsText("type")).containsExactlyInAnyOrder("pid", "ipc", "uts", "mount", "cgroup");
    for (JsonNode n : ns) {
      if (n.path("type").asText().equals("pid")) {
        assertThat(n.path("path").asText()).isEqualTo("/proc/42/ns/pid");
      }
    }
  }

  @Test
  void missingRootfsNamesThePath() {
    ObjectNode json = new OciJson(mapper).spec(Specs.spec(false, "/bin/true"));
    assertThatThrownBy(() -> new GuestSpecRewriter(shared, "/capsa", true).rewrite("nope", json, Optional.empty()))
        .isInstanceOf(AgentException.InvalidArgument.class)
        .hasMessageContaining(shared.resolve("nope/rootfs").toString());
  }
}
