package capsa.hypervisor.clh.standin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks the stand-in applies to a {@code vm.create} body, each one a rule the real VMM enforces (or a field
 * Kata always sends and Capsa must too). Returns the problems found, empty when the config is acceptable.
 */
final class StandInConfigCheck {

  private StandInConfigCheck() {}

  static List<String> problems(JsonNode config) {
    List<String> out = new ArrayList<>();
    if (!config.isObject()) {
      out.add("VmConfig must be a JSON object");
      return out;
    }
    JsonNode payload = config.path("payload");
    if (!payload.path("kernel").isTextual() && !payload.path("firmware").isTextual()) {
      out.add("payload.kernel is required");
    }
    JsonNode cpus = config.path("cpus");
    int boot = cpus.path("boot_vcpus").asInt(0);
    int max = cpus.path("max_vcpus").asInt(0);
    if (boot < 1 || max < boot) {
      out.add("cpus needs 1 <= boot_vcpus <= max_vcpus, got " + boot + " and " + max);
    }
    JsonNode memory = config.path("memory");
    if (memory.path("size").asLong(0) <= 0) {
      out.add("memory.size is required and must be positive");
    }
    if (config.path("fs").size() > 0 && !memory.path("shared").asBoolean(false)) {
      out.add("virtio-fs needs memory.shared = true");
    }
    for (JsonNode fs : config.path("fs")) {
      requireText(fs, "tag", "fs", out);
      requireText(fs, "socket", "fs", out);
    }
    for (JsonNode disk : config.path("disks")) {
      requireText(disk, "path", "disks", out);
    }
    for (JsonNode device : config.path("devices")) {
      requireText(device, "path", "devices", out);
    }
    if (config.has("net")) {
      out.add("Capsa adds NICs with vm.add-net after create, never in vm.create");
    }
    JsonNode vsock = config.path("vsock");
    if (!vsock.isMissingNode()) {
      if (vsock.path("cid").asLong(0) < 3) {
        out.add("vsock.cid must be at least 3");
      }
      requireText(vsock, "socket", "vsock", out);
    }
    checkConsole(config.path("serial"), "serial", out);
    checkConsole(config.path("console"), "console", out);
    return out;
  }

  private static void checkConsole(JsonNode console, String name, List<String> out) {
    if (console.isMissingNode()) {
      return;
    }
    String mode = console.path("mode").asText("");
    if (!List.of("Off", "Pty", "Tty", "File", "Socket", "Null").contains(mode)) {
      out.add(name + ".mode is not a known console mode: " + mode);
    }
    if (mode.equals("File")) {
      requireText(console, "file", name, out);
    }
  }

  private static void requireText(JsonNode node, String field, String where, List<String> out) {
    if (!node.path(field).isTextual() || node.path(field).asText().isEmpty()) {
      out.add(where + "." + field + " is required");
    }
  }
}
