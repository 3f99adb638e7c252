package capsa.hypervisor.qemu.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * One QMP command: its wire name, its arguments and how to read its {@code return} value. One record per command
 * (see {@link QmpCommands}); arguments are built explicitly so the hyphenated QMP names are visible in the code.
 *
 * @param <R> the decoded result type
 */
public interface QmpCommand<R> {

  /** The {@code execute} name, e.g. {@code query-status}. */
  String name();

  /** The {@code arguments} object, or empty for commands without arguments. */
  default Optional<ObjectNode> arguments(JsonNodeFactory f) {
    return Optional.empty();
  }

  /** Decodes the {@code return} member of a successful reply. */
  R decode(JsonNode result);
}
