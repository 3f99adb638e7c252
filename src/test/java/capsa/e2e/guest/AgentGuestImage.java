package capsa.e2e.guest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The guest image with the agent, {@code <repo>/build/guest-agent}: built (or found up to date, ~2 s) by running
 * {@code guest/build-agent-image.sh} with the agent module's shaded jar. In the reactor build ({@code mvn verify}) the
 * agent module is packaged before this module's tests run, so the jar is there; a run of this module alone needs
 * {@code mvn -pl agent -am package -DskipTests} first. Fails (never skips) when the image cannot be built.
 */
public record AgentGuestImage(Path vmlinux, Path initramfs, Properties manifest) {

  private static AgentGuestImage cached;

  /** The image, built on first use in this JVM (a few seconds when nothing changed). */
  public static synchronized AgentGuestImage get() {
    if (cached == null) {
      cached = build();
    }
    return cached;
  }

  /** Where the image's manifest is (what the shim reads through {@code CAPSA_GUEST_MANIFEST}). */
  public Path manifestFile() {
    return repoRoot().resolve("build/guest-agent/manifest.properties");
  }

  private static AgentGuestImage build() {
    Path repo = repoRoot();
    Path jar = agentJar(repo);
    Path out = repo.resolve("build/guest-agent");
    Path script = repo.resolve("guest/build-agent-image.sh");
    try {
      Path log = Files.createTempFile("guest-agent-build", ".log");
      try {
        Process p = new ProcessBuilder(script.toString(), jar.toString(), out.toString())
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          throw new AssertionError(script + " did not finish in 20 minutes:\n" + Files.readString(log));
        }
        if (p.exitValue() != 0) {
          throw new AssertionError(script + " failed (" + p.exitValue() + "):\n" + Files.readString(log));
        }
      } finally {
        Files.deleteIfExists(log);
      }
      Properties props = new Properties();
      try (InputStream in = Files.newInputStream(out.resolve("manifest.properties"))) {
        props.load(in);
      }
      AgentGuestImage image = new AgentGuestImage(
          Path.of(props.getProperty("vmlinux")), Path.of(props.getProperty("initramfs")), props);
      if (!Files.isReadable(image.vmlinux()) || !Files.isReadable(image.initramfs())
          || !"/capsa/agent".equals(props.getProperty("agent"))) {
        throw new AssertionError("Incomplete agent guest image in " + out + ": " + props);
      }
      return image;
    } catch (IOException e) {
      throw new AssertionError("Cannot build the agent guest image with " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static Path agentJar(Path repo) {
    Path target = repo.resolve("agent/target");
    if (Files.isDirectory(target)) {
      try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "capsa-agent-*-all.jar")) {
        for (Path jar : jars) {
          return jar;
        }
      } catch (IOException e) {
        throw new AssertionError("Cannot list " + target, e);
      }
    }
    throw new AssertionError("No agent/target/capsa-agent-*-all.jar: run `mvn -B -pl agent -am package -DskipTests`"
        + " (or the whole reactor `mvn verify`, which packages the agent before these tests)");
  }

  static Path repoRoot() {
    Path d = Path.of("").toAbsolutePath();
    while (d != null) {
      if (Files.isRegularFile(d.resolve("guest/build-agent-image.sh"))) {
        return d;
      }
      d = d.getParent();
    }
    throw new AssertionError("Cannot find guest/build-agent-image.sh above " + Path.of("").toAbsolutePath());
  }
}
