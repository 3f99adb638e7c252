package capsa.agent.device;

import capsa.agent.AgentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Waits, bounded, for the PCI function at a guest PCI path ({@code "02/00"}: slot 02 on the root bus, then slot 00
 * on the bus behind that port) to appear under {@code <sysfs>/devices/pci0000:00}; returns its sysfs directory, whose
 * name is the guest BDF.
 */
public final class PciDeviceWaiter {

  private final Path sysfs;
  private final Duration timeout;

  public PciDeviceWaiter(Path sysfs, Duration timeout) {
    this.sysfs = sysfs;
    this.timeout = timeout;
  }

  public Path await(String guestPath) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<Path> found = find(guestPath);
      if (found.isPresent()) {
        return found.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AgentException.NotFound("no PCI device at guest PCI path " + guestPath + " after " + timeout);
      }
      try {
        // sysfs offers nothing to wait on without a netlink uevent socket; PCIe hot-plug lands within milliseconds to
        // a second, so a short poll costs little.
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted waiting for PCI path " + guestPath, e);
      }
    }
  }

  private Optional<Path> find(String guestPath) throws IOException {
    Path dir = sysfs.resolve("devices/pci0000:00");
    for (String slot : guestPath.split("/")) {
      if (!Files.isDirectory(dir)) {
        return Optional.empty();
      }
      Pattern child = Pattern.compile("[0-9a-f]{4}:[0-9a-f]{2}:" + slot + "\\.0");
      try (Stream<Path> s = Files.list(dir)) {
        Optional<Path> next = s.filter(p -> child.matcher(p.getFileName().toString()).matches()).findFirst();
        if (next.isEmpty()) {
          return Optional.empty();
        }
        dir = next.get();
      }
    }
    // The device directory exists before its attributes are filled in; vendor is among the first.
    return Files.exists(dir.resolve("vendor")) ? Optional.of(dir) : Optional.empty();
  }
}
