package capsa.hypervisor.pci;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes one value into a sysfs attribute. The kernel acts on the write (unbind, probe); a fake tree's writer
 * plays the kernel's part instead, so binding logic is testable without touching a device.
 */
@FunctionalInterface
public interface SysfsWriter {

  void write(Path attribute, String value) throws IOException;

  /** Plain writes to existing attribute files, as the real sysfs needs. */
  static SysfsWriter files() {
    return (attribute, value) -> Files.writeString(attribute, value, StandardCharsets.US_ASCII,
        StandardOpenOption.WRITE);
  }
}
