package capsa.hypervisor.spec;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A non-negative amount of bytes, parsed from {@code 512M}, {@code 2G}, {@code 2048MiB} or plain bytes. */
public record DataSize(long bytes) implements Comparable<DataSize> {

  private static final long KIB = 1024;
  private static final long MIB = KIB * 1024;
  private static final long GIB = MIB * 1024;
  private static final Pattern FORM = Pattern.compile("(\\d+)\\s*([KMGT]?)(i?B)?", Pattern.CASE_INSENSITIVE);

  public DataSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("Size must not be negative: " + bytes);
    }
  }

  public static DataSize bytes(long n) {
    return new DataSize(n);
  }

  public static DataSize mebibytes(long n) {
    return new DataSize(Math.multiplyExact(n, MIB));
  }

  public static DataSize gibibytes(long n) {
    return new DataSize(Math.multiplyExact(n, GIB));
  }

  /** Parses {@code 512M}, {@code 512MiB}, {@code 2G}, {@code 4096}; units are binary (1M = 2^20). */
  public static DataSize parse(String text) {
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("Not a size (like 512M or 2G): " + text);
    }
    long n = Long.parseLong(m.group(1));
    switch (m.group(2).toUpperCase(Locale.ROOT)) {
      case "":
        return new DataSize(n);
      case "K":
        return new DataSize(Math.multiplyExact(n, KIB));
      case "M":
        return new DataSize(Math.multiplyExact(n, MIB));
      case "G":
        return new DataSize(Math.multiplyExact(n, GIB));
      default:
        return new DataSize(Math.multiplyExact(n, GIB * 1024));
    }
  }

  /** Whole mebibytes (truncated). */
  public long toMebibytes() {
    return bytes / MIB;
  }

  public boolean isWholeMebibytes() {
    return bytes % MIB == 0;
  }

  @Override
  public int compareTo(DataSize o) {
    return Long.compare(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return bytes % MIB == 0 ? (bytes / MIB) + "MiB" : bytes + "B";
  }
}
