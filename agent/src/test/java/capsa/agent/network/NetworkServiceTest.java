package capsa.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import capsa.agent.AgentException;
import capsa.proto.agent.types.ARPNeighbor;
import capsa.proto.agent.types.IPAddress;
import capsa.proto.agent.types.IPFamily;
import capsa.proto.agent.types.Interface;
import capsa.proto.agent.types.Route;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The guest network calls with the guest's own tools (busybox ip/arp) against a real kernel: a scratch namespace
 * stands in for the guest, a veth end with a known MAC for the virtio NIC.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkServiceTest {
  private static final String MAC = "02:42:0a:d6:00:05";
  private String guest;
  private String peer;
  private NetworkService service;

  @BeforeAll
  void namespaces() {
    assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/bin/busybox")),
        "needs root and busybox");
    String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
    guest = "capsa-guest-" + tag;
    peer = "capsa-gpeer-" + tag;
    sh("ip", "netns", "add", guest);
    sh("ip", "netns", "add", peer);
    sh("ip", "-n", guest, "link", "add", "nic9", "address", MAC, "type", "veth", "peer", "name", "gw0", "netns",
        peer);
    sh("ip", "-n", peer, "addr", "add", "10.214.0.1/24", "dev", "gw0");
    sh("ip", "-n", peer, "link", "set", "gw0", "up");
    service = new NetworkService(new NsenterBusyboxCommands(Path.of("/var/run/netns", guest)),
        new PciNetDevices(Path.of("/nonexistent-sys")), Duration.ofSeconds(1));
  }

  @AfterAll
  void cleanUp() {
    for (String ns : new String[] {guest, peer}) {
      if (ns != null) {
        try {
          sh("ip", "netns", "del", ns);
        } catch (RuntimeException ignored) {
          // not created
        }
      }
    }
  }

  private static String sh(String... argv) {
    return NsenterBusyboxCommands.sh(List.of(argv));
  }

  private static IPAddress v4(String a, String mask) {
    return IPAddress.newBuilder().setFamily(IPFamily.v4).setAddress(a).setMask(mask).build();
  }

  private Interface eth0() {
    return Interface.newBuilder().setDevice("eth0").setName("eth0").setHwAddr(MAC.toUpperCase()).setMtu(1400)
        .addIPAddresses(v4("10.214.0.5", "24"))
        .addIPAddresses(IPAddress.newBuilder().setFamily(IPFamily.v6).setAddress("fd00:214::5").setMask("64"))
        .build();
  }

  @Test
  void updateInterfaceFindsTheNicByMacAndConfiguresIt() {
    Interface got = service.updateInterface(eth0());
    assertThat(got.getName()).isEqualTo("eth0");
    assertThat(got.getMtu()).isEqualTo(1400);
    assertThat(got.getHwAddr()).isEqualTo(MAC);
    assertThat(got.getIPAddressesList()).extracting(IPAddress::getAddress).contains("10.214.0.5", "fd00:214::5");
    // Idempotent: a second identical update (the shim retries) converges to the same state.
    assertThat(service.updateInterface(eth0()).getIPAddressesList()).extracting(IPAddress::getAddress)
        .contains("10.214.0.5").doesNotHaveDuplicates();
    assertThat(sh("ip", "-n", guest, "-o", "link", "show", "eth0")).contains("UP", "mtu 1400");
    // The data path is real: the peer answers.
    sh("nsenter", "--net=/var/run/netns/" + guest, "busybox", "ping", "-c", "1", "-W", "5", "10.214.0.1");

    List<Route> routes = service.updateRoutes(List.of(
        Route.newBuilder().setDest("10.60.0.0/16").setGateway("10.214.0.1").setDevice("eth0").build(),
        Route.newBuilder().setGateway("10.214.0.1").setDevice("eth0").build()));
    assertThat(routes).anySatisfy(r -> {
      assertThat(r.getDest()).isEmpty();
      assertThat(r.getGateway()).isEqualTo("10.214.0.1");
      assertThat(r.getDevice()).isEqualTo("eth0");
    });
    assertThat(routes).anySatisfy(r -> assertThat(r.getDest()).isEqualTo("10.60.0.0/16"));
    assertThat(service.listRoutes()).isEqualTo(routes);

    service.addArpNeighbors(List.of(ARPNeighbor.newBuilder().setToIPAddress(v4("10.214.0.9", ""))
        .setDevice("eth0").setLladdr("02:00:00:00:00:09").setState(NetworkService.NUD_PERMANENT).build()));
    assertThat(sh("ip", "-n", guest, "neigh", "show", "10.214.0.9")).contains("02:00:00:00:00:09", "PERMANENT");

    assertThat(service.listInterfaces()).extracting(Interface::getName).contains("lo", "eth0");
  }

  @Test
  void anUnknownMacIsLinkNotFound() {
    assertThatThrownBy(() -> service.updateInterface(Interface.newBuilder().setName("eth5")
        .setHwAddr("02:00:00:00:99:99").build()))
        .isInstanceOf(AgentException.NotFound.class)
        .hasMessageContaining("Link not found");
  }

  @Test
  void badRequestsAreInvalidArguments() {
    assertThatThrownBy(() -> service.updateInterface(Interface.newBuilder().setName("eth0").build()))
        .isInstanceOf(AgentException.InvalidArgument.class);
    assertThatThrownBy(() -> service.addArpNeighbors(List.of(ARPNeighbor.newBuilder()
        .setToIPAddress(IPAddress.newBuilder().setFamily(IPFamily.v6).setAddress("fd00::9"))
        .setDevice("eth0").setLladdr("02:00:00:00:00:09").build())))
        .isInstanceOf(AgentException.InvalidArgument.class).hasMessageContaining("IPv6");
  }
}
