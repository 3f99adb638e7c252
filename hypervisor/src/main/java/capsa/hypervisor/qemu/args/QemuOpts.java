package capsa.hypervisor.qemu.args;

import java.nio.file.Path;

/**
 * Builds QEMU's {@code head,key=value,key=value} option strings. Values are escaped the QEMU way (a comma inside a
 * value is doubled), so a path like {@code /tmp/a,b} cannot inject options.
 */
public final class QemuOpts {

  private final StringBuilder sb;

  private QemuOpts(String head) {
    sb = new StringBuilder(escape(head));
  }

  /** Starts with an implied first value (a driver or backend name). */
  public static QemuOpts of(String head) {
    return new QemuOpts(head);
  }

  public QemuOpts add(String key, String value) {
    sb.append(',').append(key).append('=').append(escape(value));
    return this;
  }

  public QemuOpts add(String key, Path value) {
    return add(key, value.toAbsolutePath().toString());
  }

  public QemuOpts add(String key, long value) {
    return add(key, Long.toString(value));
  }

  /** {@code on}/{@code off}. */
  public QemuOpts flag(String key, boolean value) {
    return add(key, value ? "on" : "off");
  }

  @Override
  public String toString() {
    return sb.toString();
  }

  static String escape(String v) {
    return v.replace(",", ",,");
  }
}
