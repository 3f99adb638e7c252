package capsa.hypervisor;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where the guest finds a PCI device: the slot of each bridge/port from the root bus down to the device, in the
 * Kata form {@code "SS/SS"} (two lower-case hex digits per slot). The agent waits for devices by this path.
 */
public record GuestPciPath(List<Integer> slots) {

  private static final Pattern FORM = Pattern.compile("[0-9a-f]{2}(/[0-9a-f]{2})*");

  public GuestPciPath {
    slots = List.copyOf(slots);
    if (slots.isEmpty()) {
      throw new IllegalArgumentException("PCI path needs at least one slot");
    }
    for (int s : slots) {
      if (s < 0 || s > 0x1f) {
        throw new IllegalArgumentException("PCI slot out of range [0, 31]: " + s);
      }
    }
  }

  /** Parses {@code "SS/SS"}. */
  public static GuestPciPath parse(String text) {
    if (!FORM.matcher(text).matches()) {
      throw new IllegalArgumentException("Not a PCI path of the form SS/SS: " + text);
    }
    return new GuestPciPath(
        java.util.Arrays.stream(text.split("/")).map(s -> Integer.parseInt(s, 16)).collect(Collectors.toList()));
  }

  @Override
  public String toString() {
    return slots.stream().map(s -> String.format("%02x", s)).collect(Collectors.joining("/"));
  }
}
