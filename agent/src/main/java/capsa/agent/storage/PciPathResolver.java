package capsa.agent.storage;

import capsa.agent.AgentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the block device behind a guest PCI path ({@code "02/01"}: slot 02 on the root bus, then slot 01 behind that
 * bridge) by walking {@code /sys/devices/pci0000:00}, waiting a bounded time for hot-plugged devices to appear.
 */
public final class PciPathResolver {
  private static final Pattern PCI_PATH = Pattern.compile("[0-9a-fA-F]{2}(/[0-9a-fA-F]{2})*");
  private final Path sysfs;
  private final Path dev;
  private final Duration timeout;

  public PciPathResolver(Path sysfs, Path dev, Duration timeout) {
    this.sysfs = sysfs;
    this.dev = dev;
    this.timeout = timeout;
  }

  public Path blockDevice(String pciPath) throws IOException {
    if (!PCI_PATH.matcher(pciPath).matches()) {
      throw new AgentException.InvalidArgument("invalid guest PCI path \"" + pciPath + "\"");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<Path> found = find(pciPath);
      if (found.isPresent()) {
        return found.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AgentException.NotFound("no block device at guest PCI path " + pciPath + " after " + timeout);
      }
      try {
        // sysfs has no event we can wait on without netlink; hot-plug takes milliseconds, so poll briefly.
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted waiting for PCI path " + pciPath, e);
      }
    }
  }

  private Optional<Path> find(String pciPath) throws IOException {
    Path dir = sysfs.resolve("devices/pci0000:00");
    for (String slot : pciPath.toLowerCase(Locale.ROOT).split("/")) {
      Pattern child = Pattern.compile("[0-9a-f]{4}:[0-9a-f]{2}:" + slot + "\\.0");
      Optional<Path> next;
      if (!Files.isDirectory(dir)) {
        return Optional.empty();
      }
      try (Stream<Path> s = Files.list(dir)) {
        next = s.filter(p -> child.matcher(p.getFileName().toString()).matches()).findFirst();
      }
      if (next.isEmpty()) {
        return Optional.empty();
      }
      dir = next.get();
    }
    Optional<Path> block;
    try (Stream<Path> s = Files.walk(dir, 4)) {
      block =
          s.filter(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("block")).findFirst();
    }
    return block.map(b -> dev.resolve(b.getFileName().toString())).filter(Files::exists);
  }
}
