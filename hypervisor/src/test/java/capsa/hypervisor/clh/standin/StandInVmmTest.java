package capsa.hypervisor.clh.standin;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.hypervisor.clh.api.ChJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stand-in's rules, checked directly, so a lax stand-in cannot make the backend tests pass by accident. */
class StandInVmmTest {

  private static final String CONFIG = "{\"payload\":{\"kernel\":\"/k\"},\"cpus\":{\"boot_vcpus\":1,\"max_vcpus\":2},"
      + "\"memory\":{\"size\":536870912,\"hotplug_size\":268435456}}";

  private final StandInVmm vmm = new StandInVmm(ChJson.newMapper());

  @Test
  void wrongMethodAndUnknownPath() {
    assertThat(put("vmm.ping", "").status()).isEqualTo(400);
    assertThat(vmm.handle("GET", "/api/v1/vm.boot", new byte[0]).status()).isEqualTo(400);
    assertThat(put("vm.frobnicate", "").status()).isEqualTo(404);
  }

  @Test
  @SuppressWarnings("unchecked")
  void createRejectsBadJsonAndMissingFields() {
    assertThat(put("vm.create", "{not json").status()).isEqualTo(400);
    StandInReply reply = put("vm.create", "{\"cpus\":{\"boot_vcpus\":3,\"max_vcpus\":2}}");
    assertThat(reply.status()).isEqualTo(400);
    assertThat((List<Object>) reply.body()).contains(
        "payload.kernel is required",
        "cpus needs 1 <= boot_vcpus <= max_vcpus, got 3 and 2",
        "memory.size is required and must be positive");
    assertThat(put("vm.create", CONFIG.replace("}}", "},\"net\":[{\"tap\":\"t\"}]}")).status()).isEqualTo(400);
    // Like serde_json, trailing garbage after the document is an error.
    assertThat(put("vm.create", CONFIG + "]").status()).isEqualTo(400);
  }

  @Test
  void everyStateTransitionHasTheReferenceStatus() {
    assertThat(get("vm.info").status()).isEqualTo(404);
    assertThat(put("vm.boot", "").status()).isEqualTo(404);
    assertThat(put("vm.pause", "").status()).isEqualTo(404);
    assertThat(put("vm.create", CONFIG).status()).isEqualTo(204);
    assertThat(put("vm.create", CONFIG).status()).isEqualTo(400);
    assertThat(put("vm.pause", "").status()).isEqualTo(405);
    assertThat(put("vm.resume", "").status()).isEqualTo(405);
    assertThat(put("vm.shutdown", "").status()).isEqualTo(405);
    assertThat(put("vm.boot", "").status()).isEqualTo(204);
    assertThat(put("vm.boot", "").status()).isEqualTo(405);
    assertThat(put("vm.resume", "").status()).isEqualTo(405);
    assertThat(put("vm.pause", "").status()).isEqualTo(204);
    assertThat(put("vm.add-disk", "{\"path\":\"/d\"}").status()).isEqualTo(405);
    assertThat(put("vm.resume", "").status()).isEqualTo(204);
    assertThat(put("vm.resize", "{\"desired_vcpus\":3}").status()).isEqualTo(400);
    assertThat(put("vm.resize", "{\"desired_ram\":268435456}").status()).isEqualTo(400);
    assertThat(put("vm.resize", "{\"desired_vcpus\":2,\"desired_ram\":805306368}").status()).isEqualTo(204);
    assertThat(put("vm.resize", "{\"desired_ram\":805306369}").status()).isEqualTo(400);
    assertThat(put("vm.add-device", "{}").status()).isEqualTo(400);
    StandInReply added = put("vm.add-device", "{\"path\":\"/sys/bus/pci/devices/0000:41:00.0\",\"id\":\"gpu\"}");
    assertThat(added.status()).isEqualTo(200);
    assertThat(put("vm.add-device", "{\"path\":\"/sys/x\",\"id\":\"gpu\"}").status()).isEqualTo(409);
    assertThat(put("vm.remove-device", "{\"id\":\"gpu\"}").status()).isEqualTo(204);
    assertThat(put("vm.remove-device", "{\"id\":\"gpu\"}").status()).isEqualTo(404);
    assertThat(put("vm.shutdown", "").status()).isEqualTo(204);
    assertThat(put("vm.boot", "").status()).isEqualTo(204);
  }

  private StandInReply put(String endpoint, String body) {
    return vmm.handle("PUT", "/api/v1/" + endpoint, body.getBytes(StandardCharsets.UTF_8));
  }

  private StandInReply get(String endpoint) {
    return vmm.handle("GET", "/api/v1/" + endpoint, new byte[0]);
  }
}
