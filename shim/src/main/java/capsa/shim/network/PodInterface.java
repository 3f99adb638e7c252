package capsa.shim.network;

import java.util.List;

/**
 * One non-loopback link CNI left in the pod namespace.
 *
 * @param kind the link kind as {@code ip -d link} reports it ({@code veth}, {@code macvlan}, ...; "" for plain)
 * @param noArp the link has {@code IFF_NOARP} set
 */
public record PodInterface(String name, int index, String mac, int mtu, String kind, boolean noArp,
        List<IpAddress> addresses) {

    public PodInterface {
        addresses = List.copyOf(addresses);
    }

    /** An address with its prefix length, e.g. {@code 10.88.0.5/16}. */
    public record IpAddress(boolean v6, String address, int prefixLength) {
        @Override
        public String toString() {
            return address + "/" + prefixLength;
        }
    }
}
