package capsa.shim.daemon;

import capsa.shim.events.ForwarderSettings;
import capsa.shim.events.TtrpcEventForwarder;
import capsa.shim.manager.DaemonSpec;
import capsa.shim.manager.GroupLock;
import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.server.TtrpcServer;
import io.grpc.ServerServiceDefinition;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-lived shim process for one group (pod): the composition root of {@code serve}. It builds the threads,
 * the event forwarder and the Task service, listens on the group's socket until shutdown is requested, then runs
 * the clean-up callbacks in reverse order of start-up: stop listening and remove the socket (and its lock file),
 * flush events, stop threads, flush logs.
 */
public final class ShimDaemon {

    private static final Logger log = LoggerFactory.getLogger(ShimDaemon.class);

    /** The bundle file with the daemon's pid. */
    public static final String PID_FILE = "shim.pid";

    private static final Duration EVENT_FLUSH = Duration.ofSeconds(3);

    private final DaemonSpec spec;
    private final TaskServiceFactory taskServices;
    private final ShutdownService shutdown = new ShutdownService();

    public ShimDaemon(DaemonSpec spec, TaskServiceFactory taskServices) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.taskServices = Objects.requireNonNull(taskServices, "taskServices");
    }

    public ShutdownService shutdownService() {
        return shutdown;
    }

    /**
     * Starts serving; returns once the socket accepts. Everything started is registered with the shutdown
     * service, also when start-up fails half-way (then run {@link ShutdownService#runCallbacks()}).
     */
    public void start() throws IOException {
        TtrpcTransport transport = TtrpcTransport.create(1, 16, 256);
        shutdown.registerCallback("ttrpc threads", () -> transport.close(Duration.ofSeconds(2)));
        ExecutorService blocking = Executors.newCachedThreadPool(new DefaultThreadFactory("shim-blocking", true));
        shutdown.registerCallback("blocking executor", blocking::shutdownNow);

        TtrpcEventForwarder events = new TtrpcEventForwarder(transport, Path.of(spec.ttrpcAddress()),
                spec.namespace(), Clock.systemUTC(), ForwarderSettings.DEFAULT,
                new DefaultThreadFactory("event-forwarder", true));
        shutdown.registerCallback("flush events", () -> events.close(EVENT_FLUSH));

        ServerServiceDefinition task = taskServices
                .create(new TaskServiceContext(spec, events, shutdown, transport, blocking))
                .bindService();
        TtrpcServer server = TtrpcServer.builder(transport)
                .addService(task)
                .addService(TaskServiceVersions.asV3(task))
                .build();
        // The pid file first: once the socket accepts, start returns, and whoever reads the bundle then must find it.
        Files.writeString(spec.bundle().resolve(PID_FILE), Long.toString(ProcessHandle.current().pid()),
                StandardCharsets.US_ASCII);
        server.bind(spec.socket());
        shutdown.registerCallback("stop listening on " + spec.socket(), () -> stopListening(server));
        log.info("shim {} serving {} on {}", spec.groupId(), spec.namespace(), spec.socket());
    }

    /**
     * Closes the server and removes the socket and its lock file while holding the group lock, so a concurrent
     * {@code start} either sees the socket alive or sees it gone, never half-removed.
     */
    private void stopListening(TtrpcServer server) throws IOException, InterruptedException {
        Path socket = spec.socket();
        try (GroupLock lock = GroupLock.acquire(socket)) {
            server.close();
            if (!server.awaitTermination(Duration.ofSeconds(2))) {
                log.warn("connections still open after 2 s; exiting anyway");
            }
            Files.deleteIfExists(socket);
            lock.deleteOnClose();
        }
    }

    /** Blocks until shutdown is requested, then cleans up. */
    public void awaitAndStop() throws InterruptedException {
        shutdown.awaitShutdownRequest();
        log.info("shim {} stopping", spec.groupId());
        shutdown.runCallbacks();
    }
}
