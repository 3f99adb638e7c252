package capsa.hypervisor.clh.standin;

import capsa.hypervisor.clh.api.ChEndpoint;
import capsa.hypervisor.clh.api.PciDeviceInfo;
import capsa.hypervisor.clh.api.ChVmState;
import capsa.hypervisor.clh.api.VmmPingResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stand-in's brain: routes a request, checks it, moves the VM through Created → Running ⇄ Paused → Shutdown and
 * answers with the status codes of the reference (200/204 success, 400 bad JSON or config, 404 no VM or unknown
 * device, 405 wrong state, 409 duplicate device id). No I/O except the serial log file a booted VM writes to.
 *
 * <p>Where the reference is silent, the stand-in's choice is marked "stand-in choice" below.
 */
public final class StandInVmm {

  /** The line a "booted" VM writes to its serial log, so console capture can be checked. */
  public static final String SERIAL_BANNER = "stand-in cloud-hypervisor: guest booted";

  private final ObjectMapper mapper;
  private final List<RecordedRequest> recorded = new ArrayList<>();
  private final Map<String, PciDeviceInfo> hotplugged = new LinkedHashMap<>();
  private ObjectNode config;
  private ChVmState state;
  private int nextSlot;
  private int nextAutoId;
  private boolean vmmShutdownRequested;
  private boolean booted;
  private String refused;
  private String busyEndpoint;
  private int busyAnswersLeft;

  public StandInVmm(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  public synchronized List<RecordedRequest> recorded() {
    return List.copyOf(recorded);
  }

  /** The endpoints called so far, in order, e.g. {@code [vmm.ping, vm.create, ...]}. */
  public synchronized List<String> endpointsCalled() {
    return recorded.stream().map(RecordedRequest::endpoint).toList();
  }

  public synchronized boolean vmmShutdownRequested() {
    return vmmShutdownRequested;
  }

  /** Fault injection: answer every call of {@code endpointName} with 500 and an error chain. */
  public synchronized void refuse(String endpointName) {
    refused = endpointName;
  }

  /**
   * Fault injection: answer the next {@code times} calls of {@code endpointName} with 429 Too Many Requests, as the
   * VMM does for {@code vm.resize} while a CPU removal is still pending.
   */
  public synchronized void busy(String endpointName, int times) {
    busyEndpoint = endpointName;
    busyAnswersLeft = times;
  }

  /** The hybrid vsock socket of a VM that has booted at least once, else null. */
  synchronized String bootedVsockSocket() {
    return booted ? configuredVsockSocket() : null;
  }

  synchronized String configuredVsockSocket() {
    return config == null || !config.path("vsock").path("socket").isTextual()
        ? null
        : config.path("vsock").path("socket").asText();
  }

  synchronized StandInReply handle(String method, String path, byte[] body) {
    recorded.add(new RecordedRequest(method, path, new String(body, StandardCharsets.UTF_8)));
    ChEndpoint endpoint = ChEndpoint.fromPath(path);
    if (endpoint == null) {
      return StandInReply.error(404, "Unknown endpoint " + path);
    }
    if (endpoint.endpointName().equals(busyEndpoint) && busyAnswersLeft > 0) {
      busyAnswersLeft--;
      return StandInReply.error(429, "Too Many Requests", "A CPU removal is still pending");
    }
    if (endpoint.endpointName().equals(refused)) {
      return StandInReply.error(500, "Stand-in refuses " + refused, "Injected fault");
    }
    if (!endpoint.method().name().equals(method)) {
      // Stand-in choice: the VMM's route handlers answer a wrong method with 400 Bad Request.
      return StandInReply.error(400, "Wrong method " + method + " for " + endpoint.endpointName());
    }
    JsonNode json;
    try {
      json = body.length == 0
          ? null
          : mapper.reader().with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
              .readTree(body);
    } catch (IOException e) {
      return StandInReply.error(400, "Error parsing the request body", e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage());
    }
    return switch (endpoint) {
      case VMM_PING -> StandInReply.ok(
          new VmmPingResponse("stand-in", "stand-in-0.0", ProcessHandle.current().pid(), List.of()));
      case VMM_SHUTDOWN -> {
        vmmShutdownRequested = true;
        state = state == null ? null : ChVmState.SHUTDOWN;
        yield StandInReply.noContent();
      }
      case VM_CREATE -> create(json);
      case VM_INFO -> info();
      case VM_BOOT -> boot();
      case VM_PAUSE -> transition(ChVmState.RUNNING, ChVmState.PAUSED, "pause");
      case VM_RESUME -> transition(ChVmState.PAUSED, ChVmState.RUNNING, "resume");
      case VM_SHUTDOWN -> shutdownVm();
      case VM_DELETE -> delete();
      case VM_RESIZE -> resize(json);
      case VM_ADD_DEVICE -> add(json, "path", "_vfio");
      case VM_ADD_DISK -> add(json, "path", "_disk");
      case VM_ADD_NET -> add(json, null, "_net");
      case VM_REMOVE_DEVICE -> remove(json);
    };
  }

  private StandInReply create(JsonNode json) {
    if (json == null) {
      return StandInReply.error(400, "Error creating the VM", "vm.create needs a VmConfig body");
    }
    if (config != null) {
      // Stand-in choice: the reference lists no status for a second create; 400 like other config errors.
      return StandInReply.error(400, "Error creating the VM", "A VM already exists");
    }
    List<String> problems = StandInConfigCheck.problems(json);
    if (!problems.isEmpty()) {
      List<String> chain = new ArrayList<>();
      chain.add("Error creating the VM");
      chain.addAll(problems);
      return new StandInReply(400, chain);
    }
    config = (ObjectNode) json;
    state = ChVmState.CREATED;
    nextSlot = 1 + coldPluggedCount(json);
    return StandInReply.noContent();
  }

  /** Slot 0 is the host bridge; every cold-plugged PCI device takes the next slot. */
  private static int coldPluggedCount(JsonNode json) {
    int count = json.path("disks").size() + json.path("fs").size() + json.path("devices").size();
    count += json.has("vsock") ? 1 : 0;
    count += json.has("rng") ? 1 : 0;
    return count;
  }

  private StandInReply info() {
    if (config == null) {
      return StandInReply.error(404, "VM is not created");
    }
    ObjectNode info = mapper.createObjectNode();
    info.set("config", config);
    info.set("state", mapper.valueToTree(state));
    info.put("memory_actual_size", config.path("memory").path("size").asLong());
    ObjectNode tree = mapper.valueToTree(hotplugged);
    // Stand-in choice: cold-plugged VFIO devices sit after the disks and fs devices, one slot each, and are listed
    // with a pci_bdf string the way Capsa reads Cloud Hypervisor's device tree (shape UNVERIFIED against a real VMM).
    int slot = 1 + config.path("disks").size() + config.path("fs").size();
    for (JsonNode d : config.path("devices")) {
      String id = d.path("id").asText("");
      if (!id.isEmpty()) {
        tree.putObject(id).put("id", id).put("pci_bdf", String.format("0000:00:%02x.0", slot));
      }
      slot++;
    }
    info.set("device_tree", tree);
    return StandInReply.ok(info);
  }

  private StandInReply boot() {
    if (config == null) {
      return StandInReply.error(404, "Error booting the VM", "VM is not created");
    }
    if (state != ChVmState.CREATED && state != ChVmState.SHUTDOWN) {
      return StandInReply.error(405, "Error booting the VM", "VM is already " + state);
    }
    state = ChVmState.RUNNING;
    booted = true;
    writeSerialBanner();
    return StandInReply.noContent();
  }

  private void writeSerialBanner() {
    JsonNode serial = config.path("serial");
    if (serial.path("mode").asText().equals("File")) {
      try {
        Files.writeString(
            Path.of(serial.path("file").asText()),
            SERIAL_BANNER + "\n",
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private StandInReply transition(ChVmState from, ChVmState to, String action) {
    if (config == null) {
      return StandInReply.error(404, "Cannot " + action + " the VM", "VM is not created");
    }
    if (state != from) {
      return StandInReply.error(405, "Cannot " + action + " the VM", "VM is " + state + ", not " + from);
    }
    state = to;
    return StandInReply.noContent();
  }

  private StandInReply shutdownVm() {
    if (config == null) {
      return StandInReply.error(404, "Cannot shut down the VM", "VM is not created");
    }
    if (state != ChVmState.RUNNING && state != ChVmState.PAUSED) {
      return StandInReply.error(405, "Cannot shut down the VM", "VM is " + state);
    }
    state = ChVmState.SHUTDOWN;
    return StandInReply.noContent();
  }

  private StandInReply delete() {
    config = null;
    state = null;
    hotplugged.clear();
    return StandInReply.noContent();
  }

  private StandInReply resize(JsonNode json) {
    if (config == null) {
      return StandInReply.error(404, "Error resizing the VM", "VM is not created");
    }
    if (json == null || !json.isObject()) {
      return StandInReply.error(400, "Error resizing the VM", "vm.resize needs a VmResize body");
    }
    if (state != ChVmState.RUNNING) {
      return StandInReply.error(405, "Error resizing the VM", "VM is " + state);
    }
    ObjectNode cpus = (ObjectNode) config.path("cpus");
    ObjectNode memory = (ObjectNode) config.path("memory");
    if (json.has("desired_vcpus")) {
      int desired = json.path("desired_vcpus").asInt();
      if (desired < 1 || desired > cpus.path("max_vcpus").asInt()) {
        return StandInReply.error(400, "Error resizing the VM", "desired_vcpus " + desired + " exceeds max_vcpus");
      }
      cpus.put("boot_vcpus", desired);
    }
    if (json.has("desired_ram")) {
      long desired = json.path("desired_ram").asLong();
      long size = memory.path("size").asLong();
      long ceiling = size + memory.path("hotplug_size").asLong(0);
      if (desired < size || desired > ceiling) {
        return StandInReply.error(
            400, "Error resizing the VM", "desired_ram " + desired + " is outside [" + size + ", " + ceiling + "]");
      }
      memory.put("hotplug_size", ceiling - desired);
      memory.put("size", desired);
    }
    return StandInReply.noContent();
  }

  private StandInReply add(JsonNode json, String requiredField, String idPrefix) {
    if (config == null) {
      return StandInReply.error(404, "Error adding a device", "VM is not created");
    }
    if (json == null || !json.isObject()) {
      return StandInReply.error(400, "Error adding a device", "A device config body is required");
    }
    if (requiredField != null && !json.path(requiredField).isTextual()) {
      return StandInReply.error(400, "Error adding a device", requiredField + " is required");
    }
    String id = json.path("id").isTextual() ? json.path("id").asText() : idPrefix + nextAutoId++;
    if (hotplugged.containsKey(id)) {
      return StandInReply.error(409, "Error adding a device", "Device id " + id + " is already in use");
    }
    if (state == ChVmState.PAUSED) {
      // Stand-in choice: the reference does not say; refuse rather than guess.
      return StandInReply.error(405, "Error adding a device", "VM is Paused");
    }
    PciDeviceInfo info = new PciDeviceInfo(id, String.format("0000:00:%02x.0", nextSlot++));
    hotplugged.put(id, info);
    // Before boot the device only joins the config, and the VMM answers 204 without a body.
    return state == ChVmState.RUNNING ? StandInReply.ok(info) : StandInReply.noContent();
  }

  private StandInReply remove(JsonNode json) {
    if (config == null) {
      return StandInReply.error(404, "Error removing a device", "VM is not created");
    }
    if (json == null || !json.path("id").isTextual()) {
      return StandInReply.error(400, "Error removing a device", "id is required");
    }
    if (hotplugged.remove(json.path("id").asText()) == null) {
      return StandInReply.error(404, "Error removing a device", "No device with id " + json.path("id").asText());
    }
    return StandInReply.noContent();
  }
}
