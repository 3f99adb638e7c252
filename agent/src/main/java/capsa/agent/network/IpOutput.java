package capsa.agent.network;

import capsa.proto.agent.types.IPAddress;
import capsa.proto.agent.types.IPFamily;
import capsa.proto.agent.types.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the text of {@code ip -o link show}, {@code ip -o addr show} and {@code ip route show} as busybox and
 * iproute2 print them (one record per line; {@code -o} folds continuation lines with a backslash).
 */
final class IpOutput {

  /** {@code IFF_NOARP}. */
  static final int IFF_NOARP = 0x80;

  private static final Pattern LINK =
      Pattern.compile("^(\\d+):\\s+([^:@\\s]+)(?:@\\S+)?:\\s+<([^>]*)>.*?\\bmtu (\\d+)(?:.*?link/\\S+ ([0-9a-f:]+))?");
  private static final Pattern ADDR =
      Pattern.compile("^(\\d+):\\s+(\\S+)\\s+(inet6?) ([0-9a-fA-F.:]+)/(\\d+)(?:.*?\\bscope (\\S+))?");

  private IpOutput() {}

  /** A link: {@code flags} as printed ({@code UP}, {@code NOARP}, ...). */
  record Link(int index, String name, String mac, int mtu, List<String> flags) {
    boolean noArp() {
      return flags.contains("NOARP");
    }
  }

  /** An address line; {@code scope} is {@code global}, {@code link}, {@code host} ... */
  record Addr(String link, IPAddress address, String scope) {}

  static List<Link> links(String text) {
    List<Link> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      Matcher m = LINK.matcher(line.strip());
      if (m.find()) {
        out.add(new Link(Integer.parseInt(m.group(1)), m.group(2), m.group(5) == null ? "" : m.group(5)
            .toLowerCase(Locale.ROOT), Integer.parseInt(m.group(4)), List.of(m.group(3).split(","))));
      }
    }
    return out;
  }

  static List<Addr> addresses(String text) {
    List<Addr> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      Matcher m = ADDR.matcher(line.strip());
      if (m.find()) {
        IPAddress a = IPAddress.newBuilder()
            .setFamily(m.group(3).equals("inet6") ? IPFamily.v6 : IPFamily.v4)
            .setAddress(m.group(4))
            .setMask(m.group(5))
            .build();
        out.add(new Addr(m.group(2), a, m.group(6) == null ? "global" : m.group(6)));
      }
    }
    return out;
  }

  /** {@code ip route show} lines of one family. */
  static List<Route> routes(String text, IPFamily family) {
    List<Route> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] t = line.trim().split("\\s+");
      if (t.length == 0 || t[0].isEmpty()) {
        continue;
      }
      int i = 0;
      // Typed routes ("unreachable", "local", "broadcast" ...) are not pod routes.
      if (!t[0].equals("default") && !Character.isDigit(t[0].charAt(0)) && !t[0].contains(":")) {
        continue;
      }
      Route.Builder r = Route.newBuilder().setFamily(family).setDest(t[0].equals("default") ? "" : t[i]);
      for (i = 1; i < t.length; i++) {
        String next = i + 1 < t.length ? t[i + 1] : "";
        switch (t[i]) {
          case "via" -> r.setGateway(next);
          case "dev" -> r.setDevice(next);
          case "src" -> r.setSource(next);
          case "scope" -> r.setScope(scopeNumber(next));
          case "mtu" -> r.setMtu(parseIntOr(next, 0));
          case "onlink" -> {
            r.setFlags(r.getFlags() | RouteArgs.FLAG_ONLINK);
            continue;
          }
          default -> {
            continue;
          }
        }
        i++;
      }
      out.add(r.build());
    }
    return out;
  }

  static int scopeNumber(String name) {
    return switch (name) {
      case "global", "universe" -> 0;
      case "site" -> 200;
      case "link" -> 253;
      case "host" -> 254;
      case "nowhere" -> 255;
      default -> parseIntOr(name, 0);
    };
  }

  private static int parseIntOr(String s, int dflt) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return dflt;
    }
  }
}
