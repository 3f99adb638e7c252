package capsa.shim.daemon;

import capsa.shim.events.EventPublisher;
import capsa.shim.manager.DaemonSpec;
import capsa.ttrpc.TtrpcTransport;
import java.util.Objects;
import java.util.concurrent.ExecutorService;

/**
 * What the composition root gives the Task service. Everything here is owned by the daemon and closed by it
 * through {@link ShutdownService}; the service registers its own clean-up there too.
 *
 * @param spec the daemon's command line: namespace, group id, first bundle, containerd addresses, runtime options
 * @param events publishes task events to containerd, in order
 * @param shutdown request shutdown (when no task is left) and register clean-up
 * @param transport the epoll event loops and handler executor for ttrpc clients (e.g. to the agent)
 * @param blockingExecutor for blocking work (process spawn, waits) that must never run on an event loop
 */
public record TaskServiceContext(
        DaemonSpec spec,
        EventPublisher events,
        ShutdownService shutdown,
        TtrpcTransport transport,
        ExecutorService blockingExecutor) {

    public TaskServiceContext {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(shutdown, "shutdown");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(blockingExecutor, "blockingExecutor");
    }
}
