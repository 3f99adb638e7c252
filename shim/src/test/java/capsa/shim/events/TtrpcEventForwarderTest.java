package capsa.shim.events;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.proto.containerd.events.TaskCreate;
import capsa.proto.containerd.events.TaskExit;
import capsa.proto.containerd.events.TaskStart;
import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.server.TtrpcServer;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The forwarder against an in-process ttrpc Events server that comes and goes like a restarting containerd. */
@Timeout(120)
class TtrpcEventForwarderTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ForwarderSettings FAST =
            new ForwarderSettings(2048, Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMillis(100));

    private TtrpcTransport transport;
    private Path dir;
    private Path socket;

    @BeforeEach
    void setUp() throws Exception {
        transport = TtrpcTransport.create(1, 4, 64);
        dir = Files.createTempDirectory(Path.of("/tmp"), "evf-");
        socket = dir.resolve("c.sock.ttrpc");
    }

    @AfterEach
    void tearDown() throws Exception {
        transport.close();
        Files.deleteIfExists(socket);
        Files.deleteIfExists(dir);
    }

    private TtrpcServer serve(RecordingEventsService events) throws Exception {
        TtrpcServer server = TtrpcServer.builder(transport).addService(events).build();
        server.bind(socket);
        return server;
    }

    private TtrpcEventForwarder forwarder(ForwarderSettings settings) {
        return new TtrpcEventForwarder(transport, socket, "ns1", Clock.systemUTC(), settings,
                new DefaultThreadFactory("test-forwarder", true));
    }

    private static TaskExit exit(int n) {
        return TaskExit.newBuilder().setContainerId("c1").setId("c1").setExitStatus(n).build();
    }

    @Test
    void eventsArriveInOrderAsContainerdExpectsThem() throws Exception {
        RecordingEventsService events = new RecordingEventsService(e -> false);
        Instant before = Instant.now();
        try (TtrpcServer server = serve(events)) {
            TtrpcEventForwarder forwarder = forwarder(FAST);
            forwarder.publish(TaskCreate.newBuilder().setContainerId("c1").setPid(7).build());
            forwarder.publish(TaskStart.newBuilder().setContainerId("c1").setPid(7).build());
            forwarder.publish(exit(3));

            RecordingEventsService.Received create = events.next(WAIT);
            assertThat(create.namespaceHeader()).isEqualTo("ns1");
            assertThat(create.envelope().getNamespace()).isEqualTo("ns1");
            assertThat(create.envelope().getTopic()).isEqualTo("/tasks/create");
            assertThat(create.envelope().getEvent().getTypeUrl()).isEqualTo("containerd.events.TaskCreate");
            assertThat(create.envelope().getTimestamp().getSeconds()).isGreaterThanOrEqualTo(before.getEpochSecond());
            assertThat(events.next(WAIT).envelope().getTopic()).isEqualTo("/tasks/start");
            RecordingEventsService.Received exit = events.next(WAIT);
            assertThat(exit.envelope().getTopic()).isEqualTo("/tasks/exit");
            assertThat(TaskExit.parseFrom(exit.envelope().getEvent().getValue()).getExitStatus()).isEqualTo(3);
            assertThat(forwarder.close(WAIT)).isTrue();
        }
    }

    @Test
    void eventsPublishedWhileContainerdIsAwayArriveInOrderWhenItReturns() throws Exception {
        RecordingEventsService first = new RecordingEventsService(e -> false);
        TtrpcEventForwarder forwarder = forwarder(FAST);
        try (TtrpcServer server = serve(first)) {
            forwarder.publish(exit(0));
            assertThat(TaskExit.parseFrom(first.next(WAIT).envelope().getEvent().getValue()).getExitStatus()).isZero();
            // Else the reply may be lost with the server and the event (rightly) sent again to the next one.
            assertThat(forwarder.awaitDelivered(WAIT)).isTrue();
        }
        // containerd "restarts": the socket is gone while these are published.
        for (int i = 1; i <= 20; i++) {
            forwarder.publish(exit(i));
        }
        assertThat(forwarder.pending()).isPositive();
        RecordingEventsService second = new RecordingEventsService(e -> false);
        try (TtrpcServer server = serve(second)) {
            for (int i = 1; i <= 20; i++) {
                assertThat(TaskExit.parseFrom(second.next(WAIT).envelope().getEvent().getValue()).getExitStatus())
                        .isEqualTo(i);
            }
            assertThat(forwarder.close(WAIT)).isTrue();
        }
    }

    @Test
    void rejectedEventsAreDroppedAndTheRestStillFlow() throws Exception {
        RecordingEventsService events = new RecordingEventsService(
                e -> e.getTopic().equals("/tasks/start"));
        try (TtrpcServer server = serve(events)) {
            TtrpcEventForwarder forwarder = forwarder(FAST);
            forwarder.publish(TaskStart.newBuilder().setContainerId("c1").build());
            forwarder.publish(exit(9));

            assertThat(events.next(WAIT).envelope().getTopic()).isEqualTo("/tasks/exit");
            assertThat(events.rejected()).hasSize(1);
            assertThat(forwarder.close(WAIT)).isTrue();
        }
    }

    @Test
    void aFullQueueDropsTheOldest() throws Exception {
        TtrpcEventForwarder forwarder = forwarder(
                new ForwarderSettings(3, Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMillis(100)));
        for (int i = 1; i <= 5; i++) {
            forwarder.publish(exit(i));
        }
        assertThat(forwarder.dropped()).isEqualTo(2);

        RecordingEventsService events = new RecordingEventsService(e -> false);
        try (TtrpcServer server = serve(events)) {
            // The worker may have been mid-attempt with event 1 or 2 when it was dropped; after that, 3, 4, 5.
            int status;
            do {
                status = TaskExit.parseFrom(events.next(WAIT).envelope().getEvent().getValue()).getExitStatus();
            } while (status < 3);
            assertThat(status).isEqualTo(3);
            assertThat(TaskExit.parseFrom(events.next(WAIT).envelope().getEvent().getValue()).getExitStatus()).isEqualTo(4);
            assertThat(TaskExit.parseFrom(events.next(WAIT).envelope().getEvent().getValue()).getExitStatus()).isEqualTo(5);
            assertThat(forwarder.close(WAIT)).isTrue();
        }
    }

    @Test
    void closeGivesUpAtItsDeadlineWhenContainerdNeverComes() throws Exception {
        TtrpcEventForwarder forwarder = forwarder(FAST);
        forwarder.publish(exit(1));

        long started = System.nanoTime();
        assertThat(forwarder.close(Duration.ofMillis(300))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void publishStampsTheClocksTime() throws Exception {
        Instant fixed = Instant.parse("2026-01-02T03:04:05.678Z");
        RecordingEventsService events = new RecordingEventsService(e -> false);
        try (TtrpcServer server = serve(events)) {
            TtrpcEventForwarder forwarder = new TtrpcEventForwarder(transport, socket, "ns1",
                    Clock.fixed(fixed, ZoneOffset.UTC), FAST, new DefaultThreadFactory("f", true));
            forwarder.publish(exit(0));
            var ts = events.next(WAIT).envelope().getTimestamp();
            assertThat(ts.getSeconds()).isEqualTo(fixed.getEpochSecond());
            assertThat(ts.getNanos()).isEqualTo(678_000_000);
            forwarder.close(WAIT);
        }
    }
}
