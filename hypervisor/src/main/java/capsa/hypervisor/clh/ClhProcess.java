package capsa.hypervisor.clh;

import capsa.hypervisor.NetnsLaunch;
import capsa.hypervisor.VmStartException;
import capsa.hypervisor.clh.api.ChApiClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code cloud-hypervisor} process of one VM: spawned with only {@code --api-socket} (everything else goes
 * through the API), stdout and stderr appended to the VMM log. Owns the OS process; {@link #close()} kills it.
 */
final class ClhProcess implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ClhProcess.class);

  private final Process process;
  private final Instant spawnedAt;
  private final Path vmmLog;

  private ClhProcess(Process process, Instant spawnedAt, Path vmmLog) {
    this.process = process;
    this.spawnedAt = spawnedAt;
    this.vmmLog = vmmLog;
  }

  /** @param netns the namespace CH runs in, so that {@code vm.add-net} can name the pod's taps */
  static ClhProcess spawn(Path binary, Path apiSocket, Path vmmLog, Optional<Path> netns) {
    ProcessBuilder builder =
        new ProcessBuilder(NetnsLaunch.wrap(netns, List.of(binary.toString(), "--api-socket",
            apiSocket.toString())))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(vmmLog.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    Instant at = Instant.now();
    try {
      Process p = builder.start();
      log.info("Spawned Cloud Hypervisor pid {} with API socket {}", p.pid(), apiSocket);
      return new ClhProcess(p, at, vmmLog);
    } catch (IOException e) {
      throw new VmStartException("Cannot start Cloud Hypervisor " + binary, e);
    }
  }

  /**
   * Pings until the API answers, the process dies, or {@code timeout} passes. Polling is what the VMM offers: it
   * announces readiness only by answering.
   */
  void awaitApi(ChApiClient client, Path apiSocket, Duration timeout, Duration interval) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    Throwable last = null;
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new VmStartException("Cloud Hypervisor exited with status " + process.exitValue()
            + " before its API answered; last output: " + lastLine(vmmLog) + " (" + vmmLog + ")");
      }
      if (Files.exists(apiSocket)) {
        try {
          client.ping().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
          return;
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
          last = ChApiClient.unwrap(e);
        }
      }
      Thread.sleep(interval.toMillis());
    }
    throw new VmStartException("Cloud Hypervisor API did not answer within " + timeout.toMillis() + " ms", last);
  }

  /** The VMM's last words, so the error says why without opening the log. */
  private static String lastLine(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (!lines.get(i).isBlank()) {
          String line = lines.get(i).strip();
          return "'" + (line.length() > 200 ? line.substring(0, 200) + "..." : line) + "'";
        }
      }
      return "none";
    } catch (IOException | java.io.UncheckedIOException e) {
      return "unreadable";
    }
  }

  long pid() {
    return process.pid();
  }

  Instant spawnedAt() {
    return spawnedAt;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Completes with the exit status once the process is gone. */
  CompletableFuture<Integer> onExit() {
    return process.onExit().thenApply(Process::exitValue);
  }

  /** SIGKILL, the last resort. */
  void kill() {
    if (process.isAlive()) {
      log.warn("Killing Cloud Hypervisor pid {}", process.pid());
      process.destroyForcibly();
    }
  }

  /** Kills the process if alive and waits (bounded) until it is reaped. */
  @Override
  public void close() {
    kill();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        log.error("Cloud Hypervisor pid {} survived SIGKILL for 30 s", process.pid());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
