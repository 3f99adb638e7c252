package capsa.e2e.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import capsa.e2e.support.CommandResult;
import capsa.e2e.support.CtrEvents;
import capsa.e2e.support.PrivateContainerd;
import capsa.e2e.support.RunContainerdLeftovers;
import capsa.e2e.support.StubTaskService;
import capsa.proto.containerd.events.TaskExit;
import capsa.proto.containerd.services.events.ttrpc.v1.EventsGrpc;
import capsa.proto.containerd.services.events.ttrpc.v1.ForwardRequest;
import capsa.proto.containerd.task.v2.StateResponse;
import capsa.proto.containerd.types.Envelope;
import capsa.proto.containerd.v1.types.Status;
import capsa.proto.util.AnyCodec;
import capsa.proto.util.TaskTopics;
import capsa.shim.manager.ShimSocketAddress;
import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.client.TtrpcClient;
import capsa.ttrpc.server.TtrpcServer;
import com.google.protobuf.Timestamp;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * One private containerd for the class: our client publishes through its ttrpc event service and {@code ctr events}
 * sees it; {@code ctr shim} (a Go ttrpc client) finds our Task server by the socket-address hash and decodes our reply.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class ContainerdInteropTest {

    private static final String NAMESPACE = "capsa-e2e";
    private static final Duration CTR_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(60);

    private TtrpcTransport transport;
    private PrivateContainerd containerd;

    @BeforeAll
    void start() {
        transport = TtrpcTransport.create(1, 4, 64);
        containerd = PrivateContainerd.start();
    }

    @AfterAll
    void stop() {
        try {
            if (containerd != null) {
                containerd.close();
            }
        } finally {
            transport.close();
        }
    }

    @Test
    void forwardedTaskExitReachesCtrEvents() throws Exception {
        Instant exitedAt = Instant.now().minusSeconds(1);
        TaskExit exit = TaskExit.newBuilder()
                .setContainerId("forwarded-1")
                .setId("forwarded-1")
                .setPid(4242)
                .setExitStatus(7)
                .setExitedAt(timestamp(exitedAt))
                .build();
        Envelope envelope = Envelope.newBuilder()
                .setTimestamp(timestamp(Instant.now()))
                .setNamespace(NAMESPACE)
                .setTopic(TaskTopics.EXIT)
                .setEvent(AnyCodec.pack(exit))
                .build();
        assertThat(envelope.getEvent().getTypeUrl()).isEqualTo("containerd.events.TaskExit");

        try (CtrEvents events = containerd.subscribe();
                TtrpcClient client = TtrpcClient.connect(transport, containerd.ttrpcSocket())) {
            eventsStub(client).forward(ForwardRequest.newBuilder().setEnvelope(envelope).build());

            String line = events.await(l -> l.contains(TaskTopics.EXIT), EVENT_TIMEOUT)
                    .orElseThrow(() -> new AssertionError("ctr events never printed the exit; saw " + events.consumed()));
            // ctr prints: <timestamp> <namespace> <topic> <event decoded by its type URL, as JSON>
            assertThat(line).contains(" " + NAMESPACE + " " + TaskTopics.EXIT + " ")
                    .contains("\"container_id\":\"forwarded-1\"")
                    .contains("\"pid\":4242")
                    .contains("\"exit_status\":7");
        }
    }

    @Test
    void envelopeWithoutTimestampIsInvalidArgument() throws Exception {
        Envelope envelope = Envelope.newBuilder()
                .setNamespace(NAMESPACE)
                .setTopic(TaskTopics.EXIT)
                .setEvent(AnyCodec.pack(TaskExit.newBuilder().setContainerId("no-timestamp").build()))
                .build();

        try (TtrpcClient client = TtrpcClient.connect(transport, containerd.ttrpcSocket())) {
            StatusRuntimeException rejected = catchThrowableOfType(StatusRuntimeException.class,
                    () -> eventsStub(client).forward(ForwardRequest.newBuilder().setEnvelope(envelope).build()));

            assertThat(rejected).as("containerd must reject a zero timestamp").isNotNull();
            assertThat(rejected.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
            assertThat(rejected.getStatus().getDescription()).contains("timestamp");
        }
    }

    @Test
    void ctrShimStateReadsOurTaskServerAtTheHashedAddress() throws Exception {
        String id = "ctr-shim-state";
        StateResponse state = StateResponse.newBuilder()
                .setId(id)
                .setBundle("/run/capsa/bundle/" + id)
                .setPid(31337)
                .setStatus(Status.RUNNING)
                .setStdout("/run/capsa/fifo/stdout")
                .setExitStatus(0)
                .setExitedAt(Timestamp.newBuilder().setSeconds(-62135596800L))
                .build();
        StubTaskService service = new StubTaskService(state);
        ShimSocketAddress address = ShimSocketAddress.of(containerd.grpcSocket().toString(), NAMESPACE, id);

        RunContainerdLeftovers leftovers = RunContainerdLeftovers.snapshot(NAMESPACE);
        try {
            Files.createDirectories(address.socketPath().getParent(),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            try (TtrpcServer server = TtrpcServer.builder(transport).addService(service).build()) {
                server.bind(address.socketPath());

                CommandResult found = ctrShim(id, "state");
                CommandResult missing = ctrShim("not-served-here", "state");

                assertThat(found.exitCode()).as(found.describe()).isZero();
                assertThat(found.stdout())
                        .contains("\"id\": \"" + id + "\"")
                        .contains("\"bundle\": \"/run/capsa/bundle/" + id + "\"")
                        .contains("\"pid\": 31337")
                        .contains("\"status\": 2")
                        .contains("\"stdout\": \"/run/capsa/fifo/stdout\"");
                assertThat(service.stateRequests()).extracting(r -> r.getId()).containsExactly(id);
                assertThat(missing.exitCode()).as("no shim socket for that id").isNotZero();
            }
            assertThat(address.socketPath()).as("closing the server removes its socket").doesNotExist();
        } finally {
            leftovers.close();
        }
    }

    private CommandResult ctrShim(String id, String command) {
        return containerd.ctr(CTR_TIMEOUT, "--namespace", NAMESPACE, "shim", "--id", id, command);
    }

    private static EventsGrpc.EventsBlockingStub eventsStub(TtrpcClient client) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("containerd-namespace-ttrpc", Metadata.ASCII_STRING_MARSHALLER), NAMESPACE);
        return EventsGrpc.newBlockingStub(client)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
