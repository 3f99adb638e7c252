package capsa.shim.agent;

import capsa.proto.agent.types.ARPNeighbor;
import capsa.proto.agent.types.Interface;
import capsa.proto.agent.types.Route;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The agent's network calls, sent after boot and before CreateSandbox (Kata's order). Failures as in GuestAgent. */
public interface GuestNetworkAgent {

    /** Completes with the interface as the guest now has it. */
    CompletableFuture<Interface> updateInterface(Interface iface);

    /** Completes with the guest's routing table afterwards. */
    CompletableFuture<List<Route>> updateRoutes(List<Route> routes);

    CompletableFuture<Void> addArpNeighbors(List<ARPNeighbor> neighbors);

    CompletableFuture<List<Interface>> listInterfaces();

    CompletableFuture<List<Route>> listRoutes();
}
