package capsa.hypervisor.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The guest image built by {@code guest/build.sh} into {@code <repo>/build/guest}. Builds it when the manifest is
 * missing and fails (never skips) when it cannot: the real-QEMU tests are the point of this module.
 */
record GuestImage(Path vmlinux, Path initramfs, Path manifest) {

  private static GuestImage cached;

  static synchronized GuestImage get() {
    if (cached == null) {
      cached = locate();
    }
    return cached;
  }

  private static GuestImage locate() {
    Path repo = repoRoot();
    Path out = repo.resolve("build/guest");
    Path manifest = out.resolve("manifest.properties");
    if (!Files.isRegularFile(manifest)) {
      build(repo, out);
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(manifest)) {
      p.load(in);
    } catch (IOException e) {
      throw new AssertionError("Cannot read " + manifest, e);
    }
    GuestImage g = new GuestImage(Path.of(p.getProperty("vmlinux")), Path.of(p.getProperty("initramfs")), manifest);
    if (!Files.isReadable(g.vmlinux()) || !Files.isReadable(g.initramfs())) {
      throw new AssertionError("Guest image listed in " + manifest + " is missing files: " + g);
    }
    return g;
  }

  private static void build(Path repo, Path out) {
    Path script = repo.resolve("guest/build.sh");
    try {
      Path log = Files.createTempFile("guest-build", ".log");
      Process p = new ProcessBuilder(script.toString(), out.toString()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      if (!p.waitFor(15, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("guest/build.sh did not finish in 15 minutes; log: " + log);
      }
      if (p.exitValue() != 0) {
        throw new AssertionError("guest/build.sh failed (" + p.exitValue() + "):\n" + Files.readString(log));
      }
      Files.deleteIfExists(log);
    } catch (IOException e) {
      throw new AssertionError("Cannot run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static Path repoRoot() {
    Path d = Path.of("").toAbsolutePath();
    while (d != null) {
      if (Files.isRegularFile(d.resolve("guest/build.sh"))) {
        return d;
      }
      d = d.getParent();
    }
    throw new AssertionError("Cannot find guest/build.sh above " + Path.of("").toAbsolutePath());
  }
}
