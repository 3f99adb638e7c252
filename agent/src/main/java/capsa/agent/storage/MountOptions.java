package capsa.agent.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Splits fstab-style options into mount(2) flags and the file-system data string ({@code ro,nodev,size=64m} → flags
 * RDONLY|NODEV, data {@code size=64m}).
 */
public record MountOptions(long flags, String data) {
  public static final long MS_RDONLY = 1;
  public static final long MS_NOSUID = 2;
  public static final long MS_NODEV = 4;
  public static final long MS_NOEXEC = 8;
  public static final long MS_SYNCHRONOUS = 16;
  public static final long MS_REMOUNT = 32;
  public static final long MS_DIRSYNC = 128;
  public static final long MS_NOATIME = 1024;
  public static final long MS_NODIRATIME = 2048;
  public static final long MS_BIND = 4096;
  public static final long MS_REC = 16384;
  public static final long MS_RELATIME = 1L << 21;
  public static final long MS_STRICTATIME = 1L << 24;

  private static final Map<String, Long> FLAGS =
      Map.ofEntries(
          Map.entry("ro", MS_RDONLY),
          Map.entry("nosuid", MS_NOSUID),
          Map.entry("nodev", MS_NODEV),
          Map.entry("noexec", MS_NOEXEC),
          Map.entry("sync", MS_SYNCHRONOUS),
          Map.entry("remount", MS_REMOUNT),
          Map.entry("dirsync", MS_DIRSYNC),
          Map.entry("noatime", MS_NOATIME),
          Map.entry("nodiratime", MS_NODIRATIME),
          Map.entry("bind", MS_BIND),
          Map.entry("rbind", MS_BIND | MS_REC),
          Map.entry("relatime", MS_RELATIME),
          Map.entry("strictatime", MS_STRICTATIME));

  /** Options that only clear a flag (the default); they carry nothing to the kernel. */
  private static final List<String> NEUTRAL = List.of("rw", "suid", "dev", "exec", "async", "atime", "defaults");

  public static MountOptions parse(List<String> options) {
    long flags = 0;
    List<String> data = new ArrayList<>();
    for (String raw : options) {
      for (String o : raw.split(",")) {
        String opt = o.strip();
        if (opt.isEmpty() || NEUTRAL.contains(opt)) {
          continue;
        }
        Long f = FLAGS.get(opt);
        if (f != null) {
          flags |= f;
        } else {
          data.add(opt);
        }
      }
    }
    return new MountOptions(flags, String.join(",", data));
  }
}
