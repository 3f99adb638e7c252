package capsa.agent.channel;

import capsa.agent.sys.Fd;
import capsa.agent.sys.LibC;
import capsa.agent.sys.Posix;
import capsa.ttrpc.server.TtrpcServer;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves ttrpc on the virtio-serial port named {@code agent.channel.0}. The guest speaks first, because bytes the
 * host sends before the guest opened the port are lost:
 *
 * <ol>
 *   <li>open {@code /dev/vportNpM} (found through {@code /sys/class/virtio-ports/*&#47;name});
 *   <li>wait until a host is connected (poll reports POLLHUP while nobody is);
 *   <li>write exactly {@code CAPSA-AGENT-READY uptime=<seconds>\n} ({@code /proc/uptime}'s first field);
 *   <li>serve ttrpc on the byte stream until the host disconnects (read returns 0);
 *   <li>drop the connection state, close the port and start again at 1.
 * </ol>
 */
public final class VirtioSerialServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VirtioSerialServer.class);
  public static final String PORT_NAME = "agent.channel.0";

  /** Opens the port device afresh for every host connection. */
  @FunctionalInterface
  public interface PortOpener {
    Fd open() throws IOException;
  }

  private final Posix posix;
  private final PortOpener opener;
  private final Path uptime;
  private volatile boolean closed;
  private volatile Fd current;

  public VirtioSerialServer(Posix posix, PortOpener opener, Path uptime) {
    this.posix = posix;
    this.opener = opener;
    this.uptime = uptime;
  }

  /** The device of the named port, e.g. {@code /dev/vport2p1}, if the guest has it. */
  public static Optional<Path> findPort(Path sysfs, Path dev, String name) throws IOException {
    Path ports = sysfs.resolve("class/virtio-ports");
    if (!Files.isDirectory(ports)) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.list(ports)) {
      for (Path p : s.toList()) {
        Path n = p.resolve("name");
        if (Files.exists(n) && Files.readString(n, StandardCharsets.US_ASCII).strip().equals(name)) {
          return Optional.of(dev.resolve(p.getFileName().toString()));
        }
      }
    }
    return Optional.empty();
  }

  public Thread serve(TtrpcServer server, EventLoopGroup group) {
    Thread t = new Thread(() -> loop(server, group), "virtio-serial");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void loop(TtrpcServer server, EventLoopGroup group) {
    int n = 0;
    while (!closed) {
      try {
        Fd fd = opener.open();
        current = fd;
        FdLink link = new FdLink(posix, fd);
        if (!awaitHost(fd)) {
          link.close();
          continue;
        }
        String ready = "CAPSA-AGENT-READY uptime=" + uptimeSeconds() + "\n";
        byte[] line = ready.getBytes(StandardCharsets.US_ASCII);
        link.write(line, line.length);
        log.info("virtio-serial: host connected, sent {}", ready.strip());
        CompletableFuture<Void> done = FdBridge.serve(posix, server, group, link, "serial-" + ++n);
        done.get();
      } catch (IOException | RuntimeException e) {
        if (!closed) {
          log.warn("virtio-serial: {}", e.getMessage());
          pause(500);
        }
      } catch (ExecutionException e) {
        log.warn("virtio-serial: {}", e.getCause().getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Polls until the host side is connected (no POLLHUP); false when closed meanwhile. */
  private boolean awaitHost(Fd fd) throws IOException {
    while (!closed) {
      short revents = posix.poll(fd.value(), (short) (LibC.POLLOUT | LibC.POLLIN), 1000);
      if ((revents & LibC.POLLHUP) == 0 && revents != 0) {
        return true;
      }
      if ((revents & LibC.POLLNVAL) != 0) {
        throw new IOException("virtio-serial port descriptor is invalid");
      }
      // POLLHUP comes back at once while no host is connected: don't spin.
      pause(100);
    }
    return false;
  }

  private String uptimeSeconds() {
    try {
      return Files.readString(uptime, StandardCharsets.US_ASCII).strip().split("\\s+")[0];
    } catch (IOException | RuntimeException e) {
      return String.format(Locale.ROOT, "%.2f", System.nanoTime() / 1e9);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    Fd fd = current;
    if (fd != null) {
      fd.close();
    }
  }
}
