package capsa.shim.network;

import java.util.List;

/** What the pod namespace holds: its interfaces (no loopback), routes (no kernel ones) and static neighbours. */
public record PodNetwork(List<PodInterface> interfaces, List<PodRoute> routes, List<PodNeighbor> neighbors) {

    public PodNetwork {
        interfaces = List.copyOf(interfaces);
        routes = List.copyOf(routes);
        neighbors = List.copyOf(neighbors);
    }

    public static PodNetwork empty() {
        return new PodNetwork(List.of(), List.of(), List.of());
    }
}
