package capsa.agent.network;

import capsa.agent.AgentException;
import capsa.proto.agent.types.IPFamily;
import capsa.proto.agent.types.Route;
import java.util.ArrayList;
import java.util.List;

/** One {@code types.Route} → {@code ip route replace} arguments. */
final class RouteArgs {

  /** {@code RTNH_F_ONLINK}. */
  static final int FLAG_ONLINK = 4;

  private RouteArgs() {}

  static List<String> replace(Route r) {
    if (r.getDevice().isEmpty() && r.getGateway().isEmpty()) {
      throw new AgentException.InvalidArgument("route to '" + r.getDest() + "' has neither a device nor a gateway");
    }
    List<String> a = new ArrayList<>(List.of("-f", r.getFamily() == IPFamily.v6 ? "inet6" : "inet", "route",
        "replace", r.getDest().isEmpty() ? "default" : r.getDest()));
    if (!r.getGateway().isEmpty()) {
      a.addAll(List.of("via", r.getGateway()));
    }
    if (!r.getDevice().isEmpty()) {
      a.addAll(List.of("dev", r.getDevice()));
    }
    if (!r.getSource().isEmpty()) {
      a.addAll(List.of("src", r.getSource()));
    }
    if (r.getScope() != 0) {
      a.addAll(List.of("scope", scopeName(r.getScope())));
    }
    if (r.getMtu() > 0) {
      a.addAll(List.of("mtu", Integer.toString(r.getMtu())));
    }
    if ((r.getFlags() & FLAG_ONLINK) != 0) {
      a.add("onlink");
    }
    return a;
  }

  static String scopeName(int scope) {
    return switch (scope) {
      case 200 -> "site";
      case 253 -> "link";
      case 254 -> "host";
      default -> Integer.toString(scope);
    };
  }
}
