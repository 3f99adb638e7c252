package capsa.hypervisor.clh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Removes a VM's runtime directory with every socket in it. Logs live elsewhere and are kept. */
final class RuntimeDirCleaner {

  private static final Logger log = LoggerFactory.getLogger(RuntimeDirCleaner.class);

  private RuntimeDirCleaner() {}

  static void remove(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      log.warn("Could not remove runtime directory {}: {}", dir, e.toString());
    }
  }
}
