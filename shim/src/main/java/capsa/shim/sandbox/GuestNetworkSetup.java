package capsa.shim.sandbox;

import capsa.shim.agent.GuestNetworkAgent;
import capsa.shim.network.AgentNetworkMessages;
import capsa.shim.network.PodNetwork;
import capsa.proto.agent.types.Interface;
import io.grpc.Status;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the guest its pod network in Kata's order: UpdateInterface per NIC, UpdateRoutes, AddARPNeighbors (an agent
 * without the last one is tolerated, as Kata does). Runs before CreateSandbox.
 */
final class GuestNetworkSetup {

    private static final Logger log = LoggerFactory.getLogger(GuestNetworkSetup.class);

    private GuestNetworkSetup() {}

    /** @throws TaskException.Unavailable naming the call that failed */
    static void apply(GuestNetworkAgent agent, PodNetwork network) {
        for (Interface i : AgentNetworkMessages.interfaces(network)) {
            call("UpdateInterface " + i.getName() + " (" + i.getHwAddr() + ")", () -> agent.updateInterface(i).join());
        }
        if (!network.routes().isEmpty()) {
            call("UpdateRoutes", () -> agent.updateRoutes(AgentNetworkMessages.routes(network)).join());
        }
        if (!network.neighbors().isEmpty()) {
            try {
                agent.addArpNeighbors(AgentNetworkMessages.neighbors(network)).join();
            } catch (CompletionException e) {
                if (Status.fromThrowable(e.getCause()).getCode() != Status.Code.UNIMPLEMENTED) {
                    throw unavailable("AddARPNeighbors", e);
                }
                log.info("the agent has no AddARPNeighbors; static neighbours are skipped");
            }
        }
    }

    private static void call(String what, Runnable r) {
        try {
            r.run();
        } catch (CompletionException e) {
            throw unavailable(what, e);
        }
    }

    private static TaskException.Unavailable unavailable(String what, CompletionException e) {
        return new TaskException.Unavailable("guest network: " + what + " failed: " + AgentCalls.message(e), e);
    }
}
