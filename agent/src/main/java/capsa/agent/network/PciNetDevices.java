package capsa.agent.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The network interface behind a guest PCI path ({@code "02/01"}: slot 02 on the root bus, then slot 01 behind that
 * bridge), found under {@code /sys/devices/pci0000:00} as a {@code net/<name>} directory of the device.
 */
public final class PciNetDevices {
  private static final Pattern PCI_PATH = Pattern.compile("[0-9a-fA-F]{2}(/[0-9a-fA-F]{2})*");
  private final Path sysfs;

  public PciNetDevices(Path sysfs) {
    this.sysfs = sysfs;
  }

  public Optional<String> netDevice(String pciPath) {
    if (!PCI_PATH.matcher(pciPath).matches()) {
      return Optional.empty();
    }
    Path dir = sysfs.resolve("devices/pci0000:00");
    try {
      for (String slot : pciPath.toLowerCase(Locale.ROOT).split("/")) {
        Pattern child = Pattern.compile("[0-9a-f]{4}:[0-9a-f]{2}:" + slot + "\\.0");
        if (!Files.isDirectory(dir)) {
          return Optional.empty();
        }
        try (Stream<Path> s = Files.list(dir)) {
          Optional<Path> next = s.filter(p -> child.matcher(p.getFileName().toString()).matches()).findFirst();
          if (next.isEmpty()) {
            return Optional.empty();
          }
          dir = next.get();
        }
      }
      try (Stream<Path> s = Files.walk(dir, 3)) {
        return s.filter(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("net"))
            .map(p -> p.getFileName().toString()).findFirst();
      }
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
