package capsa.agent.sys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for the kernel modules the guest's /init loads in the background. /init loads only the agent channel's modules
 * before it starts the agent, so the JVM starts sooner, and loads the rest (9p, vsock, block, net, overlay) while the
 * JVM comes up; the marker file ({@code /run/capsa/modules.pending}) exists until they are all in. Work that needs
 * those modules (mounting storages, binding vsock) calls {@link #await()} first. Without the marker there is nothing to
 * wait for (host tests, or an /init that loads everything up front).
 *
 * <p>Polls: the marker is removed by a shell script and there is no cheaper event to wait on; after the first return
 * every call is a volatile read.
 */
public final class ModuleLoadGate {
  private static final Logger log = LoggerFactory.getLogger(ModuleLoadGate.class);
  public static final Path STANDARD_MARKER = Path.of("/run/capsa/modules.pending");
  private static final long POLL_MILLIS = 20;

  private final Path marker;
  private final Duration limit;
  private volatile boolean open;

  public ModuleLoadGate(Path marker, Duration limit) {
    this.marker = marker;
    this.limit = limit;
  }

  /** A gate that never waits. */
  public static ModuleLoadGate none() {
    ModuleLoadGate g = new ModuleLoadGate(Path.of("/nonexistent"), Duration.ZERO);
    g.open = true;
    return g;
  }

  /** True while /init is still loading modules. */
  public boolean pending() {
    return !open && Files.exists(marker);
  }

  /**
   * Returns once the modules are loaded, or after the limit (then the caller's own operation reports what is
   * missing, e.g. mount's ENODEV, which is more useful than a timeout here).
   */
  public void await() {
    if (open) {
      return;
    }
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    try {
      while (Files.exists(marker) && System.nanoTime() < deadline) {
        Thread.sleep(POLL_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    long waitedMs = (System.nanoTime() - start) / 1_000_000;
    if (Files.exists(marker)) {
      log.warn("Kernel modules still loading after {} ms ({} exists); going on", waitedMs, marker);
    } else if (waitedMs > POLL_MILLIS) {
      log.info("Waited {} ms for /init to load the kernel modules", waitedMs);
    }
    open = true;
  }
}
