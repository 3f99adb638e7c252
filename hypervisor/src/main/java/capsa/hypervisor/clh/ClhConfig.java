package capsa.hypervisor.clh;

import capsa.hypervisor.clh.api.ChApiTimeouts;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run Cloud Hypervisor.
 *
 * @param binary the {@code cloud-hypervisor} executable; a bare name is looked up on {@code PATH}
 * @param apiTimeouts per-call API timeouts
 * @param readyTimeout how long the VMM may take until {@code vmm.ping} answers (Kata: 10 s)
 * @param pingInterval pause between readiness pings (Kata: 10 ms)
 * @param virtiofsd the daemon to start for virtio-fs shares; without one, virtio-fs specs are refused
 */
public record ClhConfig(
    Path binary,
    ChApiTimeouts apiTimeouts,
    Duration readyTimeout,
    Duration pingInterval,
    Optional<VirtiofsdConfig> virtiofsd) {

  /** Kata's default install location, used when {@code cloud-hypervisor} is not on PATH. */
  public static final Path DEFAULT_BINARY = Path.of("/usr/local/bin/cloud-hypervisor");

  public ClhConfig {
    Objects.requireNonNull(binary, "binary");
    Objects.requireNonNull(apiTimeouts, "apiTimeouts");
    Objects.requireNonNull(readyTimeout, "readyTimeout");
    Objects.requireNonNull(pingInterval, "pingInterval");
    Objects.requireNonNull(virtiofsd, "virtiofsd");
  }

  /** Without virtio-fs support. */
  public ClhConfig(Path binary, ChApiTimeouts apiTimeouts, Duration readyTimeout, Duration pingInterval) {
    this(binary, apiTimeouts, readyTimeout, pingInterval, Optional.empty());
  }

  public static ClhConfig defaults() {
    return new ClhConfig(
        onPath("cloud-hypervisor").orElse(DEFAULT_BINARY),
        ChApiTimeouts.defaults(),
        Duration.ofSeconds(10),
        Duration.ofMillis(10));
  }

  public ClhConfig withBinary(Path newBinary) {
    return new ClhConfig(newBinary, apiTimeouts, readyTimeout, pingInterval, virtiofsd);
  }

  public ClhConfig withVirtiofsd(VirtiofsdConfig daemon) {
    return new ClhConfig(binary, apiTimeouts, readyTimeout, pingInterval, Optional.of(daemon));
  }

  /** The binary as an absolute path: itself if it has a directory part, else the first match on PATH. */
  public Path resolvedBinary() {
    if (binary.getNameCount() > 1 || binary.isAbsolute()) {
      return binary.toAbsolutePath();
    }
    return onPath(binary.toString()).orElse(binary.toAbsolutePath());
  }

  /** The first executable called {@code name} on PATH. */
  public static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
