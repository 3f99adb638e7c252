package capsa.agent.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Removes a test's cgroup parent from every hierarchy of the host (cgroup v1 hybrid here, v2 elsewhere). Cgroup
 * directories are removed with rmdir, deepest first; files inside them cannot be deleted and need not be.
 */
public final class HostCgroups {
  private static final Path ROOT = Paths.get("/sys/fs/cgroup");

  private HostCgroups() {}

  public static void removeParent(String parent) throws IOException {
    String rel = parent.startsWith("/") ? parent.substring(1) : parent;
    List<Path> hierarchies;
    try (Stream<Path> s = Files.list(ROOT)) {
      hierarchies = s.toList();
    }
    for (Path h : hierarchies) {
      rmdirTree(h.resolve(rel));
    }
    rmdirTree(ROOT.resolve(rel));
  }

  private static void rmdirTree(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> dirs;
    try (Stream<Path> s = Files.walk(dir)) {
      dirs = s.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
    }
    for (Path d : dirs) {
      Files.deleteIfExists(d);
    }
  }
}
