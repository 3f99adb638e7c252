package capsa.agent.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Reads and writes the interface files of one cgroup v2 directory. Limits use the v2 names: {@code memory.max},
 * {@code memory.low}, {@code memory.swap.max}, {@code cpu.max}, {@code cpu.weight}, {@code pids.max}, {@code
 * cpuset.cpus}/{@code .mems}.
 */
public final class CgroupV2 {
  private static final long DEFAULT_CPU_PERIOD = 100_000;
  private final Path dir;

  public CgroupV2(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  public boolean exists() {
    return Files.isDirectory(dir);
  }

  public void apply(ResourceLimits limits) throws IOException {
    if (limits.memoryLimit().isPresent()) {
      write("memory.max", maxOrValue(limits.memoryLimit().getAsLong()));
    }
    if (limits.memoryReservation().isPresent()) {
      write("memory.low", maxOrValue(limits.memoryReservation().getAsLong()));
    }
    if (limits.memorySwap().isPresent()) {
      long swap = limits.memorySwap().getAsLong();
      // OCI swap is memory+swap; v2 memory.swap.max counts swap alone.
      long mem = limits.memoryLimit().orElse(0);
      write("memory.swap.max", swap < 0 ? "max" : Long.toString(Math.max(0, swap - mem)));
    }
    if (limits.cpuShares().isPresent()) {
      write("cpu.weight", Long.toString(sharesToWeight(limits.cpuShares().getAsLong())));
    }
    if (limits.cpuQuota().isPresent() || limits.cpuPeriod().isPresent()) {
      long period = limits.cpuPeriod().orElse(DEFAULT_CPU_PERIOD);
      long quota = limits.cpuQuota().orElse(-1);
      write("cpu.max", (quota <= 0 ? "max" : Long.toString(quota)) + " " + period);
    }
    if (limits.pidsLimit().isPresent()) {
      write("pids.max", maxOrValue(limits.pidsLimit().getAsLong()));
    }
    if (!limits.cpus().isEmpty()) {
      write("cpuset.cpus", limits.cpus());
    }
    if (!limits.mems().isEmpty()) {
      write("cpuset.mems", limits.mems());
    }
  }

  /** The OCI shares → v2 weight conversion runc and crun use: [2, 262144] onto [1, 10000]. */
  static long sharesToWeight(long shares) {
    if (shares == 0) {
      return 100;
    }
    return 1 + ((Math.max(2, shares) - 2) * 9999) / 262142;
  }

  private static String maxOrValue(long v) {
    return v < 0 ? "max" : Long.toString(v);
  }

  public void write(String file, String value) throws IOException {
    Files.writeString(dir.resolve(file), value, StandardCharsets.US_ASCII);
  }

  /** A single-number file; {@code max} reads as {@link Long#MAX_VALUE}; missing file → empty. */
  public OptionalLong readLong(String file) throws IOException {
    try {
      String s = Files.readString(dir.resolve(file), StandardCharsets.US_ASCII).strip();
      if (s.isEmpty()) {
        return OptionalLong.empty();
      }
      return OptionalLong.of(s.equals("max") ? Long.MAX_VALUE : Long.parseLong(s.split("\\s+")[0]));
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    }
  }

  /** A flat-keyed file ({@code key value} per line); missing file → empty map. */
  public Map<String, Long> readKeyed(String file) throws IOException {
    Map<String, Long> map = new LinkedHashMap<>();
    for (String line : readLines(file)) {
      String[] kv = line.strip().split("\\s+");
      if (kv.length == 2) {
        try {
          map.put(kv[0], kv[1].equals("max") ? Long.MAX_VALUE : Long.parseLong(kv[1]));
        } catch (NumberFormatException ignored) {
          // not a counter
        }
      }
    }
    return map;
  }

  public List<String> readLines(String file) throws IOException {
    try {
      return Files.readAllLines(dir.resolve(file), StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }
}
