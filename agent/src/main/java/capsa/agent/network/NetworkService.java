package capsa.agent.network;

import capsa.agent.AgentException;
import capsa.agent.sys.ModuleLoadGate;
import capsa.proto.agent.types.ARPNeighbor;
import capsa.proto.agent.types.IPAddress;
import capsa.proto.agent.types.IPFamily;
import capsa.proto.agent.types.Interface;
import capsa.proto.agent.types.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guest side of pod networking. Synchronized: each call is a sequence of {@code ip} steps on shared state.
 */
public final class NetworkService {
  private static final Logger log = LoggerFactory.getLogger(NetworkService.class);
  /** {@code NUD_PERMANENT}; 0 is treated the same (Kata's default). */
  static final int NUD_PERMANENT = 0x80;

  private final NetCommands cmd;
  private final PciNetDevices pci;
  private final Duration linkTimeout;
  private final ModuleLoadGate modules;

  /**
   * @param linkTimeout how long UpdateInterface waits for the NIC to appear (virtio_net probes asynchronously)
   */
  public NetworkService(NetCommands cmd, PciNetDevices pci, Duration linkTimeout) {
    this(cmd, pci, linkTimeout, ModuleLoadGate.none());
  }

  /**
   * @param modules /init loads virtio_net in the background: the NIC cannot appear before that, so the link timeout
   *     starts only once the modules are in
   */
  public NetworkService(NetCommands cmd, PciNetDevices pci, Duration linkTimeout, ModuleLoadGate modules) {
    this.cmd = cmd;
    this.pci = pci;
    this.linkTimeout = linkTimeout;
    this.modules = modules;
  }

  /** Finds the NIC, renames it, sets MTU, flags and addresses (replacing what it had), and brings it up. */
  public synchronized Interface updateInterface(Interface want) {
    if (want.getHwAddr().isEmpty() && want.getDevicePath().isEmpty()) {
      throw new AgentException.InvalidArgument("interface '" + want.getName() + "' has neither hwAddr nor devicePath");
    }
    String name = want.getName().isEmpty() ? want.getDevice() : want.getName();
    if (name.isEmpty()) {
      throw new AgentException.InvalidArgument("interface with hwAddr " + want.getHwAddr() + " has no name");
    }
    IpOutput.Link link = awaitLink(want);
    String cur = link.name();
    ip("link", "set", "dev", cur, "down");
    if (!cur.equals(name)) {
      ip("link", "set", "dev", cur, "name", name);
    }
    if (want.getMtu() > 0) {
      ip("link", "set", "dev", name, "mtu", Long.toString(want.getMtu()));
    }
    ip("link", "set", "dev", name, "arp", (want.getRawFlags() & IpOutput.IFF_NOARP) != 0 ? "off" : "on");
    ip("addr", "flush", "dev", name);
    for (IPAddress a : want.getIPAddressesList()) {
      ip("addr", "add", a.getAddress() + "/" + mask(a), "dev", name);
    }
    ip("link", "set", "dev", name, "up");
    log.info("interface {} (was {}, {}): {} mtu {}", name, cur, link.mac(), want.getIPAddressesList().stream()
        .map(a -> a.getAddress() + "/" + a.getMask()).toList(), want.getMtu());
    return listInterfaces().stream().filter(i -> i.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AgentException.Internal("interface " + name + " vanished after its update", null));
  }

  private static String mask(IPAddress a) {
    if (a.getMask().isEmpty()) {
      return a.getFamily() == IPFamily.v6 ? "128" : "32";
    }
    return a.getMask();
  }

  private IpOutput.Link awaitLink(Interface want) {
    modules.await();
    long deadline = System.nanoTime() + linkTimeout.toNanos();
    while (true) {
      Optional<IpOutput.Link> l = findLink(want);
      if (l.isPresent()) {
        return l.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AgentException.NotFound("Link not found: no guest NIC with hwAddr '" + want.getHwAddr()
            + "' or devicePath '" + want.getDevicePath() + "' after " + linkTimeout.toMillis() + " ms");
      }
      try {
        // No netlink listener here: NICs are cold-plugged and probe within milliseconds, so poll briefly.
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AgentException.Internal("interrupted waiting for NIC " + want.getHwAddr(), e);
      }
    }
  }

  private Optional<IpOutput.Link> findLink(Interface want) {
    List<IpOutput.Link> links = IpOutput.links(ip("-o", "link", "show"));
    if (!want.getHwAddr().isEmpty()) {
      String mac = want.getHwAddr().toLowerCase(Locale.ROOT);
      Optional<IpOutput.Link> byMac = links.stream().filter(l -> l.mac().equals(mac)).findFirst();
      if (byMac.isPresent() || want.getDevicePath().isEmpty()) {
        return byMac;
      }
    }
    Optional<String> byPath = pci.netDevice(want.getDevicePath());
    return byPath.flatMap(n -> links.stream().filter(l -> l.name().equals(n)).findFirst());
  }

  /**
   * Adds or replaces the routes: directly connected ones first, so every gateway is reachable when its routes go
   * in. Returns the routing table afterwards.
   */
  public synchronized List<Route> updateRoutes(List<Route> routes) {
    List<Route> ordered = new ArrayList<>(routes);
    ordered.sort(Comparator.comparing((Route r) -> !r.getGateway().isEmpty()));
    for (Route r : ordered) {
      ip(RouteArgs.replace(r).toArray(String[]::new));
    }
    return listRoutes();
  }

  /** Static IPv4 neighbour entries (busybox {@code ip} cannot add neighbours; {@code arp -s} can, IPv4 only). */
  public synchronized void addArpNeighbors(List<ARPNeighbor> neighbors) {
    for (ARPNeighbor n : neighbors) {
      IPAddress to = n.getToIPAddress();
      if (to.getFamily() == IPFamily.v6 || to.getAddress().contains(":")) {
        throw new AgentException.InvalidArgument("IPv6 neighbour " + to.getAddress()
            + " cannot be added: this guest's tools handle IPv4 ARP entries only");
      }
      if (n.getLladdr().isEmpty() || n.getDevice().isEmpty()) {
        throw new AgentException.InvalidArgument("neighbour " + to.getAddress() + " needs lladdr and device");
      }
      List<String> args = new ArrayList<>(List.of("-i", n.getDevice(), "-s", to.getAddress(), n.getLladdr()));
      if (n.getState() != 0 && (n.getState() & NUD_PERMANENT) == 0) {
        args.add("temp");
      }
      cmd.arp(args);
    }
  }

  public synchronized List<Interface> listInterfaces() {
    List<IpOutput.Addr> addrs = IpOutput.addresses(ip("-o", "addr", "show"));
    List<Interface> out = new ArrayList<>();
    for (IpOutput.Link l : IpOutput.links(ip("-o", "link", "show"))) {
      out.add(Interface.newBuilder()
          .setDevice(l.name())
          .setName(l.name())
          .setMtu(l.mtu())
          .setHwAddr(l.mac())
          .setRawFlags(l.noArp() ? IpOutput.IFF_NOARP : 0)
          .addAllIPAddresses(addrs.stream().filter(a -> a.link().equals(l.name())).map(IpOutput.Addr::address)
              .toList())
          .build());
    }
    return out;
  }

  public synchronized List<Route> listRoutes() {
    List<Route> out = new ArrayList<>(IpOutput.routes(ip("-f", "inet", "route", "show"), IPFamily.v4));
    out.addAll(IpOutput.routes(ip("-f", "inet6", "route", "show"), IPFamily.v6));
    return out;
  }

  private String ip(String... args) {
    return cmd.ip(List.of(args));
  }
}
