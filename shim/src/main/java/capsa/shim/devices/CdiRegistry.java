package capsa.shim.devices;

import capsa.shim.sandbox.TaskException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Container Device Interface spec files ({@code *.json}, {@code *.yaml}, {@code *.yml}) read from the CDI
 * directories: maps a fully qualified device name {@code <vendor>/<class>=<name>} (e.g. {@code nvidia.com/pgpu=0}) to
 * the device node paths its container edits name. The spec's own top-level edits apply to all of its devices. Later
 * directories override earlier ones for the same name (as {@code /var/run/cdi} overrides {@code /etc/cdi}).
 *
 * <p>Files are read on each {@link #load}: specs change as device plugins come and go.
 */
public final class CdiRegistry {

  private final Map<String, List<String>> nodes;

  private CdiRegistry(Map<String, List<String>> nodes) {
    this.nodes = nodes;
  }

  public static CdiRegistry load(List<Path> dirs) {
    ObjectMapper json = new ObjectMapper();
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    Map<String, List<String>> nodes = new LinkedHashMap<>();
    for (Path dir : dirs) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      List<Path> files;
      try (Stream<Path> s = Files.list(dir)) {
        files = s.filter(Files::isRegularFile).sorted().toList();
      } catch (IOException e) {
        throw new TaskException.Internal("cannot list CDI directory " + dir + ": " + e.getMessage(), e);
      }
      for (Path f : files) {
        String name = f.getFileName().toString();
        ObjectMapper m = name.endsWith(".json") ? json : name.endsWith(".yaml") || name.endsWith(".yml") ? yaml
            : null;
        if (m == null) {
          continue;
        }
        try {
          read(m.readTree(f.toFile()), nodes);
        } catch (IOException e) {
          throw new TaskException.InvalidArgument("CDI spec " + f + " is not valid: " + e.getMessage(), e);
        }
      }
    }
    return new CdiRegistry(nodes);
  }

  private static void read(JsonNode spec, Map<String, List<String>> nodes) {
    String kind = spec.path("kind").asText("");
    if (!kind.contains("/")) {
      return;
    }
    List<String> common = paths(spec.path("containerEdits"));
    for (JsonNode d : spec.path("devices")) {
      List<String> p = new ArrayList<>(paths(d.path("containerEdits")));
      p.addAll(common);
      nodes.put(kind + "=" + d.path("name").asText(), List.copyOf(p));
    }
  }

  private static List<String> paths(JsonNode edits) {
    List<String> p = new ArrayList<>();
    for (JsonNode n : edits.path("deviceNodes")) {
      p.add(n.path("path").asText());
    }
    return p;
  }

  /** The device node paths of {@code qualifiedName}. */
  public List<String> deviceNodes(String qualifiedName) {
    List<String> p = nodes.get(qualifiedName);
    if (p == null) {
      throw new TaskException.NotFound("CDI device " + qualifiedName + " is not in any CDI spec");
    }
    return p;
  }
}
