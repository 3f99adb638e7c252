package capsa.hypervisor.qemu;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Small file helpers: the tail of QEMU's log for error messages, and removing a runtime directory. */
final class QemuLogs {

  private static final int TAIL_BYTES = 2048;

  private QemuLogs() {}

  /** The last ~2 KiB of a log, for error messages; never throws. */
  static String tail(Path log) {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long len = f.length();
      long from = Math.max(0, len - TAIL_BYTES);
      byte[] b = new byte[(int) (len - from)];
      f.seek(from);
      f.readFully(b);
      String s = new String(b, StandardCharsets.UTF_8).strip();
      return s.isEmpty() ? "(nothing)" : s;
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Deletes a directory tree; a missing directory is fine. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (NoSuchFileException e) {
      // Raced with another cleanup (exit watcher vs close): the goal is reached.
    }
  }
}
