package capsa.hypervisor.clh;

import capsa.hypervisor.VmStartException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The virtiofsd serving one VM's share. It must be listening before the VMM boots (the VMM connects at boot), so
 * {@link #start} waits for its socket. Closing it stops the daemon: SIGTERM, then SIGKILL.
 */
final class VirtiofsdProcess implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(VirtiofsdProcess.class);

  private final Process process;

  private VirtiofsdProcess(Process process) {
    this.process = process;
  }

  static VirtiofsdProcess start(VirtiofsdConfig config, Path socket, Path sharedDir, Path logFile, Duration timeout)
      throws InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(config.command(socket, sharedDir))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
          .start();
    } catch (IOException e) {
      throw new VmStartException("Cannot start virtiofsd " + config.binary(), e);
    }
    VirtiofsdProcess daemon = new VirtiofsdProcess(p);
    Instant deadline = Instant.now().plus(timeout);
    boolean listening = false;
    try {
      // The daemon announces readiness only by creating its socket.
      while (!Files.exists(socket)) {
        if (!p.isAlive()) {
          throw new VmStartException("virtiofsd exited with status " + p.exitValue() + " before listening; see "
              + logFile);
        }
        if (Instant.now().isAfter(deadline)) {
          throw new VmStartException("virtiofsd did not create " + socket + " within " + timeout.toMillis() + " ms");
        }
        Thread.sleep(10);
      }
      listening = true;
    } finally {
      if (!listening) {
        daemon.close();
      }
    }
    log.info("virtiofsd pid {} serves {} on {}", p.pid(), sharedDir, socket);
    return daemon;
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(3, TimeUnit.SECONDS)) {
        log.warn("virtiofsd pid {} ignored SIGTERM, killing it", process.pid());
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
