package capsa.hypervisor.clh.api;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The reply of a hot-plug call: the device id and where it landed, e.g. {@code bdf = "0000:00:05.0"}. */
public record PciDeviceInfo(String id, String bdf) {

  private static final Pattern BDF =
      Pattern.compile("([0-9a-fA-F]{4}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\\.([0-7])");

  public PciDeviceInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(bdf, "bdf");
  }

  /**
   * The guest PCI path the agent needs to find the device: the slot as two hex digits. Only devices on segment 0,
   * bus 0, function 0 can be named this way (the agent walks from the root bus), so anything else is rejected.
   */
  public String guestPciPath() {
    Matcher m = BDF.matcher(bdf);
    if (!m.matches()) {
      throw new IllegalStateException("Device " + id + " has a malformed PCI address: " + bdf);
    }
    if (!m.group(1).equals("0000") || !m.group(2).equals("00") || !m.group(4).equals("0")) {
      throw new IllegalStateException(
          "Device " + id + " is at " + bdf + ", not on segment 0000 bus 00 function 0");
    }
    return m.group(3).toLowerCase(java.util.Locale.ROOT);
  }
}
