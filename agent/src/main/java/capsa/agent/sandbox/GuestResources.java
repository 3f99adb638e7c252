package capsa.agent.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guest CPUs and memory through sysfs: the memory block size, whether the probe interface exists, and onlining
 * hot-plugged CPUs ({@code cpu/cpuN/online}) and memory blocks ({@code memory/memoryN/online}).
 */
public final class GuestResources {
  private static final Logger log = LoggerFactory.getLogger(GuestResources.class);
  private static final Pattern CPU = Pattern.compile("cpu[0-9]+");
  private static final Pattern MEMORY = Pattern.compile("memory[0-9]+");

  private final Path system;

  /** @param sysfs {@code /sys} */
  public GuestResources(Path sysfs) {
    this.system = sysfs.resolve("devices/system");
  }

  /** {@code memory/block_size_bytes} (hex); 0 when the guest has no memory hotplug. */
  public long memoryBlockSize() throws IOException {
    Path f = system.resolve("memory/block_size_bytes");
    if (!Files.exists(f)) {
      return 0;
    }
    return Long.parseUnsignedLong(Files.readString(f, StandardCharsets.US_ASCII).strip(), 16);
  }

  public boolean memoryProbeSupported() {
    return Files.exists(system.resolve("memory/probe"));
  }

  /** Onlines offline CPUs (at most {@code maxCpus} when positive); returns how many. */
  public int onlineCpus(int maxCpus) throws IOException {
    return onlineAll(system.resolve("cpu"), CPU, maxCpus);
  }

  /** Onlines every offline memory block; returns how many. */
  public int onlineMemory() throws IOException {
    return onlineAll(system.resolve("memory"), MEMORY, 0);
  }

  private int onlineAll(Path dir, Pattern names, int max) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    List<Path> candidates;
    try (Stream<Path> s = Files.list(dir)) {
      candidates = s.filter(p -> names.matcher(p.getFileName().toString()).matches()).sorted().toList();
    }
    int count = 0;
    for (Path p : candidates) {
      Path online = p.resolve("online");
      if (max > 0 && count >= max) {
        break;
      }
      if (Files.exists(online) && Files.readString(online, StandardCharsets.US_ASCII).strip().equals("0")) {
        Files.writeString(online, "1", StandardCharsets.US_ASCII);
        log.info("Onlined {}", p.getFileName());
        count++;
      }
    }
    return count;
  }
}
