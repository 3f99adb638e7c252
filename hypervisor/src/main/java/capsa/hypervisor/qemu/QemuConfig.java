package capsa.hypervisor.qemu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Backend settings that are not per VM.
 *
 * @param binary the {@code qemu-system-x86_64} executable
 * @param startTimeout how long QEMU may take to open its QMP socket and negotiate
 * @param commandTimeout per QMP command (hotplug, status ...)
 * @param unplugTimeout how long the guest may take to release an unplugged device ({@code DEVICE_DELETED})
 * @param vfioDriver the device model behind {@code Device.Vfio} ({@code vfio-pci}; tests put an emulated stand-in)
 */
public record QemuConfig(Path binary, Duration startTimeout, Duration commandTimeout, Duration unplugTimeout,
    VfioDriver vfioDriver) {

  public QemuConfig {
    Objects.requireNonNull(binary, "binary");
    Objects.requireNonNull(startTimeout, "startTimeout");
    Objects.requireNonNull(commandTimeout, "commandTimeout");
    Objects.requireNonNull(unplugTimeout, "unplugTimeout");
    Objects.requireNonNull(vfioDriver, "vfioDriver");
  }

  /** With the real {@code vfio-pci} model. */
  public QemuConfig(Path binary, Duration startTimeout, Duration commandTimeout, Duration unplugTimeout) {
    this(binary, startTimeout, commandTimeout, unplugTimeout, VfioDriver.VFIO_PCI);
  }

  public QemuConfig withVfioDriver(VfioDriver d) {
    return new QemuConfig(binary, startTimeout, commandTimeout, unplugTimeout, d);
  }

  /** {@code qemu-system-x86_64} from PATH (or /usr/bin), 30 s start, 10 s commands, 30 s unplug. */
  public static QemuConfig defaults() {
    return new QemuConfig(findOnPath("qemu-system-x86_64"), Duration.ofSeconds(30), Duration.ofSeconds(10),
        Duration.ofSeconds(30));
  }

  public QemuConfig withBinary(Path b) {
    return new QemuConfig(b, startTimeout, commandTimeout, unplugTimeout, vfioDriver);
  }

  static Path findOnPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return Path.of("/usr/bin", name);
  }
}
