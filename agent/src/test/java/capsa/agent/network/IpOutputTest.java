package capsa.agent.network;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.proto.agent.types.IPFamily;
import capsa.proto.agent.types.Route;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Busybox 1.35's exact output lines (captured on Debian 12) and iproute2's variants parse the same. */
class IpOutputTest {

  @Test
  void linksFromBusyboxOneLineOutput() {
    String text = "1: lo: <LOOPBACK> mtu 65536 qdisc noop qlen 1000\\    link/loopback 00:00:00:00:00:00 brd"
        + " 00:00:00:00:00:00\n"
        + "2: eth7@eth7: <NO-CARRIER,BROADCAST,MULTICAST,NOARP,UP> mtu 1400 qdisc noqueue qlen 1000\\    link/ether"
        + " be:5a:ab:4a:76:d4 brd ff:ff:ff:ff:ff:ff\n";
    List<IpOutput.Link> links = IpOutput.links(text);
    assertThat(links).extracting(IpOutput.Link::name).containsExactly("lo", "eth7");
    assertThat(links.get(1).mac()).isEqualTo("be:5a:ab:4a:76:d4");
    assertThat(links.get(1).mtu()).isEqualTo(1400);
    assertThat(links.get(1).noArp()).isTrue();
  }

  @Test
  void addressesFromBusyboxOneLineOutput() {
    String text = "2: eth7    inet 10.9.0.5/24 scope global eth7\\       valid_lft forever preferred_lft forever\n"
        + "2: eth7    inet6 fd00::5/64 scope global tentative \\       valid_lft forever preferred_lft forever\n";
    assertThat(IpOutput.addresses(text)).extracting(a -> a.link() + " " + a.address().getAddress() + "/"
        + a.address().getMask() + " " + a.address().getFamily() + " " + a.scope())
        .containsExactly("eth7 10.9.0.5/24 v4 global", "eth7 fd00::5/64 v6 global");
  }

  @Test
  void routesFromBusyboxOutput() {
    String text = "default via 10.9.0.1 dev eth7 onlink \n"
        + "10.9.0.0/24 dev eth7 scope link  src 10.9.0.5 \n"
        + "10.50.0.0/16 via 10.9.0.1 dev eth7  src 10.9.0.5 \n";
    assertThat(IpOutput.routes(text, IPFamily.v4)).containsExactly(
        Route.newBuilder().setGateway("10.9.0.1").setDevice("eth7").setFlags(RouteArgs.FLAG_ONLINK).build(),
        Route.newBuilder().setDest("10.9.0.0/24").setDevice("eth7").setScope(253).setSource("10.9.0.5").build(),
        Route.newBuilder().setDest("10.50.0.0/16").setGateway("10.9.0.1").setDevice("eth7").setSource("10.9.0.5")
            .build());
  }

  @Test
  void routeArgumentsRoundTrip() {
    Route r = Route.newBuilder().setDest("10.50.0.0/16").setGateway("10.9.0.1").setDevice("eth0").setScope(0)
        .setSource("10.9.0.5").setFlags(RouteArgs.FLAG_ONLINK).build();
    assertThat(RouteArgs.replace(r)).containsExactly("-f", "inet", "route", "replace", "10.50.0.0/16", "via",
        "10.9.0.1", "dev", "eth0", "src", "10.9.0.5", "onlink");
    assertThat(RouteArgs.replace(Route.newBuilder().setDevice("eth0").setScope(253).setFamily(IPFamily.v6)
        .setDest("fd00::/64").build()))
        .containsExactly("-f", "inet6", "route", "replace", "fd00::/64", "dev", "eth0", "scope", "link");
  }
}
