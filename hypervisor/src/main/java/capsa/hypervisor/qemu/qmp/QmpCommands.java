package capsa.hypervisor.qemu.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The QMP commands Capsa sends, one record each. Commands whose reply is {@code {}} decode to {@link Done}. Argument
 * names are QEMU's exactly ({@code node-name}, {@code read-only}, ...).
 */
public final class QmpCommands {

  private QmpCommands() {}

  /** Marker result for commands that return {@code {}}. */
  public enum Done {
    DONE
  }

  /** Leaves capabilities-negotiation mode; the only command accepted right after the greeting. */
  public record QmpCapabilities() implements QmpCommand<Done> {
    @Override
    public String name() {
      return "qmp_capabilities";
    }

    @Override
    public Done decode(JsonNode result) {
      return Done.DONE;
    }
  }

  /** {@code query-status} → run state. */
  public record QueryStatus() implements QmpCommand<StatusInfo> {
    @Override
    public String name() {
      return "query-status";
    }

    @Override
    public StatusInfo decode(JsonNode r) {
      return new StatusInfo(r.path("status").asText(), r.path("running").asBoolean());
    }
  }

  /**
   * Result of {@link QueryStatus}.
   *
   * @param status QEMU's RunState name, e.g. {@code running}, {@code paused}, {@code internal-error}
   */
  public record StatusInfo(String status, boolean running) {}

  /** Pauses all vCPUs. */
  public record Stop() implements QmpCommand<Done> {
    @Override
    public String name() {
      return "stop";
    }

    @Override
    public Done decode(JsonNode result) {
      return Done.DONE;
    }
  }

  /** Resumes all vCPUs. */
  public record Cont() implements QmpCommand<Done> {
    @Override
    public String name() {
      return "cont";
    }

    @Override
    public Done decode(JsonNode result) {
      return Done.DONE;
    }
  }

  /** Asks QEMU to exit; it answers, emits {@code SHUTDOWN} and closes the connection. */
  public record Quit() implements QmpCommand<Done> {
    @Override
    public String name() {
      return "quit";
    }

    @Override
    public Done decode(JsonNode result) {
      return Done.DONE;
    }
  }

  /**
   * {@code device_add}: driver and id plus driver-specific properties (string, number or boolean values).
   *
   * @param properties e.g. {@code bus=rp0, drive=drive-vblk0}; kept in insertion order
   */
  public record DeviceAdd(String driver, String id, Map<String, Object> properties) implements QmpCommand<Done> {
    public DeviceAdd {
      Objects.requireNonNull(driver, "driver");
      Objects.requireNonNull(id, "id");
      properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    @Override
    public String name() {
      return "device_add";
    }

    @Override
    public Optional<ObjectNode> arguments(JsonNodeFactory f) {
      ObjectNode a = f.objectNode().put("driver", driver).put("id", id);
      properties.forEach((k, v) -> a.set(k, scalar(f, v)));
      return Optional.of(a);
    }

    @Override
    public Done decode(JsonNode result) {
      return Done.DONE;
    }
  }

  /** {@code device_del}: starts removal; completion is the {@code DEVICE_DELETED} event (see QmpClient#deviceDel). */
  public record DeviceDel(String id) implements QmpCommand<Done> {
    @Override
    public String name() {
      return "device_del";
    }

    @Override
    public Optional<ObjectNode> arguments(JsonNodeFactory f) {
      return Optional.of(f.objectNode().put("id", id));
    }

    @Override
    public Done decode(JsonNode result) {
      return Done.DONE;
    }
  }

  /**
   * {@code blockdev-add} of a raw format node over a file protocol node.
   *
   * @param nodeName the format node's name, referenced by {@code device_add drive=}
   * @param filename host file or block device
   */
  public record BlockdevAdd(String nodeName, String filename, boolean readOnly) implements QmpCommand<Done> {
    @Override
    public String name() {
      return "blockdev-add";
    }

    @Override
    public Optional<ObjectNode> arguments(JsonNodeFactory f) {
      ObjectNode file = f.objectNode().put("driver", "file").put("filename", filename);
      ObjectNode a = f.objectNode().put("driver", "raw").put("node-name", nodeName).put("read-only", readOnly);
      a.set("file", file);
      return Optional.of(a);
    }

    @Override
    public Done decode(JsonNode result) {
      return Done.DONE;
    }
  }

  /** {@code blockdev-del}: removes a node no device uses any more. */
  public record BlockdevDel(String nodeName) implements QmpCommand<Done> {
    @Override
    public String name() {
      return "blockdev-del";
    }

    @Override
    public Optional<ObjectNode> arguments(JsonNodeFactory f) {
      return Optional.of(f.objectNode().put("node-name", nodeName));
    }

    @Override
    public Done decode(JsonNode result) {
      return Done.DONE;
    }
  }

  /** {@code netdev_add} of a tap backend on an existing tap (no vhost: not available everywhere). */
  public record NetdevAddTap(String id, String ifname) implements QmpCommand<Done> {
    @Override
    public String name() {
      return "netdev_add";
    }

    @Override
    public Optional<ObjectNode> arguments(JsonNodeFactory f) {
      return Optional.of(f.objectNode().put("type", "tap").put("id", id).put("ifname", ifname)
          .put("script", "no").put("downscript", "no"));
    }

    @Override
    public Done decode(JsonNode result) {
      return Done.DONE;
    }
  }

  /** {@code netdev_del}. */
  public record NetdevDel(String id) implements QmpCommand<Done> {
    @Override
    public String name() {
      return "netdev_del";
    }

    @Override
    public Optional<ObjectNode> arguments(JsonNodeFactory f) {
      return Optional.of(f.objectNode().put("id", id));
    }

    @Override
    public Done decode(JsonNode result) {
      return Done.DONE;
    }
  }

  /**
   * {@code qom-get}: one property of a QOM object.
   *
   * @param path an absolute QOM path or a device id (QEMU resolves ids under /machine/peripheral)
   */
  public record QomGet(String path, String property) implements QmpCommand<JsonNode> {
    @Override
    public String name() {
      return "qom-get";
    }

    @Override
    public Optional<ObjectNode> arguments(JsonNodeFactory f) {
      return Optional.of(f.objectNode().put("path", path).put("property", property));
    }

    @Override
    public JsonNode decode(JsonNode result) {
      return result;
    }
  }

  /** {@code query-hotpluggable-cpus}: every possible vCPU slot, with a QOM path when occupied. */
  public record QueryHotpluggableCpus() implements QmpCommand<java.util.List<HotpluggableCpu>> {
    @Override
    public String name() {
      return "query-hotpluggable-cpus";
    }

    @Override
    public java.util.List<HotpluggableCpu> decode(JsonNode r) {
      java.util.List<HotpluggableCpu> out = new java.util.ArrayList<>();
      for (JsonNode c : r) {
        Map<String, Long> props = new LinkedHashMap<>();
        c.path("props").properties().forEach(e -> props.put(e.getKey(), e.getValue().asLong()));
        out.add(new HotpluggableCpu(c.path("type").asText(), c.path("vcpus-count").asInt(1), props,
            c.hasNonNull("qom-path") ? Optional.of(c.get("qom-path").asText()) : Optional.empty()));
      }
      return out;
    }
  }

  /**
   * One vCPU slot of {@link QueryHotpluggableCpus}.
   *
   * @param type the device driver to {@code device_add}, e.g. {@code qemu64-x86_64-cpu}
   * @param props topology ids ({@code socket-id}, {@code core-id}, {@code thread-id}, {@code die-id} ...)
   * @param qomPath present when the slot is occupied
   */
  public record HotpluggableCpu(String type, int vcpusCount, Map<String, Long> props, Optional<String> qomPath) {}

  /** {@code object-add} of a {@code memory-backend-ram} of {@code size} bytes. */
  public record ObjectAddMemoryRam(String id, long size) implements QmpCommand<Done> {
    @Override
    public String name() {
      return "object-add";
    }

    @Override
    public Optional<ObjectNode> arguments(JsonNodeFactory f) {
      return Optional.of(f.objectNode().put("qom-type", "memory-backend-ram").put("id", id).put("size", size));
    }

    @Override
    public Done decode(JsonNode result) {
      return Done.DONE;
    }
  }

  /** {@code object-del}. */
  public record ObjectDel(String id) implements QmpCommand<Done> {
    @Override
    public String name() {
      return "object-del";
    }

    @Override
    public Optional<ObjectNode> arguments(JsonNodeFactory f) {
      return Optional.of(f.objectNode().put("id", id));
    }

    @Override
    public Done decode(JsonNode result) {
      return Done.DONE;
    }
  }

  private static JsonNode scalar(JsonNodeFactory f, Object v) {
    if (v instanceof String) {
      return f.textNode((String) v);
    } else if (v instanceof Boolean) {
      return f.booleanNode((Boolean) v);
    } else if (v instanceof Integer || v instanceof Long) {
      return f.numberNode(((Number) v).longValue());
    }
    throw new IllegalArgumentException("device_add property values must be String, Boolean or integer: " + v);
  }
}
