package capsa.shim.network;

import capsa.proto.agent.types.ARPNeighbor;
import capsa.proto.agent.types.IPAddress;
import capsa.proto.agent.types.IPFamily;
import capsa.proto.agent.types.Interface;
import capsa.proto.agent.types.Route;
import java.util.List;

/** {@link PodNetwork} → the agent's {@code types.Interface}, {@code types.Route}, {@code types.ARPNeighbor}. */
public final class AgentNetworkMessages {

    /** {@code IFF_NOARP}, the one raw link flag Kata passes on. */
    static final int IFF_NOARP = 0x80;

    private AgentNetworkMessages() {}

    /**
     * One {@code UpdateInterface} payload per interface. The device path stays empty: the agent finds the NIC by
     * MAC (the microvm has no PCI, and on q35 the MAC is just as unique).
     */
    public static List<Interface> interfaces(PodNetwork n) {
        return n.interfaces().stream().map(i -> Interface.newBuilder()
                .setDevice(i.name())
                .setName(i.name())
                .addAllIPAddresses(i.addresses().stream().map(a -> address(a.v6(), a.address(),
                        Integer.toString(a.prefixLength()))).toList())
                .setMtu(i.mtu())
                .setHwAddr(i.mac())
                .setType(endpointType(i.kind()))
                .setRawFlags(i.noArp() ? IFF_NOARP : 0)
                .build()).toList();
    }

    public static List<Route> routes(PodNetwork n) {
        return n.routes().stream().map(r -> Route.newBuilder()
                .setDest(r.dest())
                .setGateway(r.gateway())
                .setDevice(r.device())
                .setSource(r.source())
                .setScope(r.scope())
                .setFamily(r.v6() ? IPFamily.v6 : IPFamily.v4)
                .setFlags(r.flags())
                .build()).toList();
    }

    public static List<ARPNeighbor> neighbors(PodNetwork n) {
        return n.neighbors().stream().map(x -> ARPNeighbor.newBuilder()
                .setToIPAddress(address(x.v6(), x.address(), ""))
                .setDevice(x.device())
                .setLladdr(x.mac())
                .setState(x.state())
                .build()).toList();
    }

    private static IPAddress address(boolean v6, String address, String mask) {
        return IPAddress.newBuilder().setFamily(v6 ? IPFamily.v6 : IPFamily.v4).setAddress(address).setMask(mask)
                .build();
    }

    /** Kata's endpoint type names for the link kinds CNI makes. */
    static String endpointType(String kind) {
        return switch (kind) {
            case "veth" -> "virtual";
            case "macvlan", "ipvlan", "macvtap" -> kind;
            case "tun", "tap" -> "tap";
            default -> "physical";
        };
    }
}
