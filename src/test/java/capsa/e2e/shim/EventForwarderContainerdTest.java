package capsa.e2e.shim;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.e2e.support.CtrEvents;
import capsa.e2e.support.PrivateContainerd;
import capsa.proto.containerd.events.TaskCreate;
import capsa.proto.containerd.events.TaskDelete;
import capsa.proto.containerd.events.TaskExit;
import capsa.proto.containerd.events.TaskStart;
import capsa.shim.events.ForwarderSettings;
import capsa.shim.events.TtrpcEventForwarder;
import capsa.ttrpc.TtrpcTransport;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our event forwarder against containerd's real ttrpc Events service, observed with {@code ctr events}.
 *
 * <p>The forwarder dials a symlink to containerd's ttrpc socket: the test's gate. Removing it while containerd is
 * stopped and re-creating it once {@code ctr events} listens again guarantees the queued events cannot slip through
 * before anyone watches; the outage itself is a real containerd stop and start.
 */
@Timeout(600)
class EventForwarderContainerdTest {

    private static final String NS = "capsa-events";
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(90);
    private static final ForwarderSettings SETTINGS =
            new ForwarderSettings(2048, Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(500));

    private TtrpcTransport transport;
    private PrivateContainerd containerd;
    private Path gate;

    @BeforeEach
    void setUp() throws Exception {
        transport = TtrpcTransport.create(1, 4, 64);
        containerd = PrivateContainerd.start();
        gate = containerd.dir().resolve("gate.ttrpc");
        Files.createSymbolicLink(gate, containerd.ttrpcSocket());
    }

    @AfterEach
    void tearDown() {
        try {
            containerd.close();
        } finally {
            transport.close();
        }
    }

    private TtrpcEventForwarder forwarder() {
        return new TtrpcEventForwarder(transport, gate, NS, Clock.systemUTC(), SETTINGS,
                new DefaultThreadFactory("e2e-forwarder", true));
    }

    @Test
    void taskEventsReachCtrEventsInPublishOrder() throws Exception {
        TtrpcEventForwarder forwarder = forwarder();
        try (CtrEvents events = containerd.subscribe()) {
            forwarder.publish(TaskCreate.newBuilder().setContainerId("ordered").setPid(10).build());
            forwarder.publish(TaskStart.newBuilder().setContainerId("ordered").setPid(10).build());
            forwarder.publish(TaskExit.newBuilder().setContainerId("ordered").setId("ordered").setPid(10)
                    .setExitStatus(3).build());
            forwarder.publish(TaskDelete.newBuilder().setContainerId("ordered").setPid(10).setExitStatus(3).build());

            // Each await consumes the lines before its match, so later topics must come after earlier ones.
            for (String topic : new String[] {"/tasks/create", "/tasks/start", "/tasks/exit", "/tasks/delete"}) {
                String line = events.await(l -> l.contains(" " + NS + " " + topic + " ") && l.contains("ordered"),
                        EVENT_TIMEOUT).orElseThrow(() -> new AssertionError(topic + " not seen in order; saw "
                                + events.consumed()));
                assertThat(line).contains("\"container_id\":\"ordered\"");
            }
            assertThat(forwarder.close(Duration.ofSeconds(30))).isTrue();
        }
    }

    @Test
    void eventsPublishedWhileContainerdIsStoppedArriveInOrderAfterItRestarts() throws Exception {
        TtrpcEventForwarder forwarder = forwarder();
        containerd.stopDaemon();
        Files.delete(gate);
        for (int i = 1; i <= 5; i++) {
            forwarder.publish(TaskExit.newBuilder().setContainerId("outage-" + i).setId("outage-" + i)
                    .setExitStatus(i).build());
        }
        assertThat(forwarder.pending()).isEqualTo(5);

        containerd.startDaemon();
        try (CtrEvents events = containerd.subscribe()) {
            Files.createSymbolicLink(gate, containerd.ttrpcSocket());
            for (int i = 1; i <= 5; i++) {
                String id = "outage-" + i;
                String line = events.await(l -> l.contains("/tasks/exit") && l.contains("\"container_id\":\"outage-"),
                        EVENT_TIMEOUT).orElseThrow(() -> new AssertionError(id + " not seen; saw " + events.consumed()));
                assertThat(line).as("in publish order").contains("\"container_id\":\"" + id + "\"");
            }
            assertThat(forwarder.close(Duration.ofSeconds(30))).isTrue();
            assertThat(forwarder.dropped()).isZero();
        }
    }
}
