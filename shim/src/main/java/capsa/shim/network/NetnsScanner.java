package capsa.shim.network;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a pod namespace with {@code ip -j}: the Ethernet links other than loopback (and other than taps Capsa made),
 * their global addresses, the main-table routes the kernel did not add itself, and permanent neighbours.
 */
public final class NetnsScanner {

    /** rtnetlink scope numbers ({@code RT_SCOPE_*}). */
    static final int SCOPE_UNIVERSE = 0;
    static final int SCOPE_SITE = 200;
    static final int SCOPE_LINK = 253;
    static final int SCOPE_HOST = 254;
    /** {@code RTNH_F_ONLINK}. */
    static final int FLAG_ONLINK = 4;
    /** {@code NUD_PERMANENT}. */
    static final int NUD_PERMANENT = 0x80;

    private static final Pattern OUR_TAP = Pattern.compile(TcMirror.TAP_PREFIX + "[0-9]+" + TcMirror.TAP_SUFFIX);

    public PodNetwork scan(NetnsTools ns) {
        List<PodInterface> ifaces = interfaces(ns.ipJson("-d", "addr", "show"));
        Set<String> names = new HashSet<>();
        ifaces.forEach(i -> names.add(i.name()));
        List<PodRoute> routes = new ArrayList<>(routes(ns.ipJson("-4", "route", "show", "table", "main"), false,
                names));
        routes.addAll(routes(ns.ipJson("-6", "route", "show", "table", "main"), true, names));
        List<PodNeighbor> neighbors = neighbors(ns.ipJson("neigh", "show", "nud", "permanent"), names);
        return new PodNetwork(ifaces, routes, neighbors);
    }

    /** From {@code ip -j -d addr show}. */
    static List<PodInterface> interfaces(JsonNode links) {
        List<PodInterface> out = new ArrayList<>();
        for (JsonNode l : links) {
            String name = l.path("ifname").asText();
            if (!"ether".equals(l.path("link_type").asText()) || hasFlag(l, "LOOPBACK") || OUR_TAP.matcher(name)
                    .matches()) {
                continue;
            }
            List<PodInterface.IpAddress> addrs = new ArrayList<>();
            for (JsonNode a : l.path("addr_info")) {
                String scope = a.path("scope").asText("global");
                if (scope.equals("link") || scope.equals("host") || !a.hasNonNull("local")) {
                    continue;
                }
                addrs.add(new PodInterface.IpAddress("inet6".equals(a.path("family").asText()), a.path("local")
                        .asText(), a.path("prefixlen").asInt()));
            }
            out.add(new PodInterface(name, l.path("ifindex").asInt(), l.path("address").asText(),
                    l.path("mtu").asInt(1500), l.path("linkinfo").path("info_kind").asText(""),
                    hasFlag(l, "NOARP"), addrs));
        }
        return out;
    }

    /** From {@code ip -j route show}: unicast routes on our interfaces that the kernel did not add. */
    static List<PodRoute> routes(JsonNode routes, boolean v6, Set<String> devices) {
        List<PodRoute> out = new ArrayList<>();
        for (JsonNode r : routes) {
            String type = r.path("type").asText("unicast");
            String dev = r.path("dev").asText("");
            if (!type.equals("unicast") || "kernel".equals(r.path("protocol").asText()) || !devices.contains(dev)) {
                continue;
            }
            String dst = r.path("dst").asText("");
            int flags = 0;
            for (JsonNode f : r.path("flags")) {
                if (f.asText().equals("onlink")) {
                    flags |= FLAG_ONLINK;
                }
            }
            out.add(new PodRoute(dst.equals("default") ? "" : dst, r.path("gateway").asText(""), dev,
                    r.path("prefsrc").asText(""), scope(r.path("scope").asText("global")), v6, flags));
        }
        return out;
    }

    /** From {@code ip -j neigh show nud permanent}. */
    static List<PodNeighbor> neighbors(JsonNode neigh, Set<String> devices) {
        List<PodNeighbor> out = new ArrayList<>();
        for (JsonNode n : neigh) {
            String dev = n.path("dev").asText("");
            if (!devices.contains(dev) || !n.hasNonNull("lladdr")) {
                continue;
            }
            String dst = n.path("dst").asText();
            out.add(new PodNeighbor(dst, dst.contains(":"), dev, n.path("lladdr").asText(), NUD_PERMANENT));
        }
        return out;
    }

    static int scope(String name) {
        return switch (name) {
            case "link" -> SCOPE_LINK;
            case "host" -> SCOPE_HOST;
            case "site" -> SCOPE_SITE;
            default -> SCOPE_UNIVERSE;
        };
    }

    private static boolean hasFlag(JsonNode link, String flag) {
        for (JsonNode f : link.path("flags")) {
            if (f.asText().equals(flag)) {
                return true;
            }
        }
        return false;
    }
}
