package capsa.hypervisor.pci;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A PCI function address ({@code domain:bus:device.function}), written {@code 0000:41:00.0} as sysfs names it. */
public record PciAddress(int domain, int bus, int device, int function) implements Comparable<PciAddress> {

  private static final Pattern BDF =
      Pattern.compile("([0-9a-fA-F]{4}):([0-9a-fA-F]{2}):([0-1][0-9a-fA-F])\\.([0-7])");

  public PciAddress {
    if (domain < 0 || domain > 0xffff || bus < 0 || bus > 0xff || device < 0 || device > 0x1f || function < 0
        || function > 7) {
      throw new IllegalArgumentException("PCI address out of range: " + domain + ":" + bus + ":" + device + "."
          + function);
    }
  }

  /** Parses {@code 0000:41:00.0}; the short form {@code 41:00.0} means domain 0. */
  public static PciAddress parse(String text) {
    String t = text.trim();
    if (t.length() == 7) {
      t = "0000:" + t;
    }
    Matcher m = BDF.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException("Not a PCI address like 0000:41:00.0: " + text);
    }
    return new PciAddress(Integer.parseInt(m.group(1), 16), Integer.parseInt(m.group(2), 16),
        Integer.parseInt(m.group(3), 16), Integer.parseInt(m.group(4)));
  }

  /** True for names sysfs uses for PCI functions (other entries share the directories). */
  public static boolean looksLikeAddress(String name) {
    return BDF.matcher(name).matches();
  }

  /** Same domain, bus and slot: functions of one physical device (a GPU and its audio function). */
  public boolean sameSlot(PciAddress other) {
    return domain == other.domain && bus == other.bus && device == other.device;
  }

  @Override
  public int compareTo(PciAddress o) {
    return toString().compareTo(o.toString());
  }

  @Override
  public String toString() {
    return String.format("%04x:%02x:%02x.%x", domain, bus, device, function);
  }
}
