package capsa.e2e.demo;

import capsa.e2e.support.CommandResult;
import capsa.e2e.support.CtrEvents;
import capsa.e2e.support.PrivateContainerd;
import capsa.e2e.support.RunContainerdLeftovers;
import capsa.e2e.support.RuncShim;
import capsa.e2e.support.StubTaskService;
import capsa.proto.containerd.events.TaskExit;
import capsa.proto.containerd.services.events.ttrpc.v1.EventsGrpc;
import capsa.proto.containerd.services.events.ttrpc.v1.ForwardRequest;
import capsa.proto.containerd.task.v2.ConnectRequest;
import capsa.proto.containerd.task.v2.ConnectResponse;
import capsa.proto.containerd.task.v2.StateRequest;
import capsa.proto.containerd.task.v2.StateResponse;
import capsa.proto.containerd.task.v2.TaskGrpc;
import capsa.proto.containerd.types.Envelope;
import capsa.proto.containerd.v1.types.Status;
import capsa.proto.util.AnyCodec;
import capsa.proto.util.TaskTopics;
import capsa.ttrpc.TtrpcTransport;
import capsa.shim.manager.ShimSocketAddress;
import capsa.ttrpc.client.TtrpcClient;
import capsa.ttrpc.server.TtrpcServer;
import com.google.protobuf.Timestamp;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The stage-1 main job: Capsa's Java ttrpc client speaking containerd's protocols to real Go peers. Starts a private
 * containerd and a {@code containerd-shim-runc-v2} wired to it, calls {@code Task/Connect} and {@code Task/State} on the
 * shim, forwards a {@code TaskExit} event to containerd and shows {@code ctr events} receiving it, serves a Task
 * service that {@code ctr shim state} (a Go client) reads, then cleans up.
 * Exits non-zero if any step fails.
 */
public final class TtrpcInteropDemo {

    private static final String NAMESPACE = "capsa-demo";
    private static final String TASK_ID = "demo-task";

    private final PrintStream out;

    private TtrpcInteropDemo(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        try {
            new TtrpcInteropDemo(System.out).run();
        } catch (Exception | AssertionError e) {
            System.err.println("demo failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private void run() throws Exception {
        try (TtrpcTransport transport = TtrpcTransport.create(1, 4, 64);
                PrivateContainerd containerd = PrivateContainerd.start()) {
            step("private containerd pid %d, gRPC %s, ttrpc %s", containerd.pid(), containerd.grpcSocket(),
                    containerd.ttrpcSocket());
            talkToRuncShim(transport, containerd);
            publishEvent(transport, containerd);
            serveCtrShim(transport, containerd);
        }
        step("stopped containerd and the shim, removed their sockets and directories");
        out.println("\nDemo finished: Capsa's ttrpc client and server interoperate with containerd, containerd-shim-runc-v2 and ctr.");
    }

    private void talkToRuncShim(TtrpcTransport transport, PrivateContainerd containerd) throws Exception {
        try (RuncShim shim = RuncShim.start(NAMESPACE, TASK_ID, containerd);
                TtrpcClient client = TtrpcClient.connect(transport, shim.socketPath())) {
            step("containerd-shim-runc-v2 'start' printed %s; its server is pid %d", shim.address(), shim.pid());
            TaskGrpc.TaskBlockingStub task = TaskGrpc.newBlockingStub(client)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(namespaceHeader()))
                    .withDeadlineAfter(30, TimeUnit.SECONDS);

            ConnectResponse connected = task.connect(ConnectRequest.newBuilder().setId(TASK_ID).build());
            step("Task/Connect -> shim_pid=%d task_pid=%d version='%s' (shim_pid %s the pid we found in /proc)",
                    connected.getShimPid(), connected.getTaskPid(), connected.getVersion(),
                    connected.getShimPid() == shim.pid() ? "matches" : "DOES NOT MATCH");
            if (connected.getShimPid() != shim.pid()) {
                throw new AssertionError("shim_pid " + connected.getShimPid() + " != " + shim.pid());
            }
            try {
                task.state(StateRequest.newBuilder().setId("no-such-task").build());
                throw new AssertionError("State of an unknown task succeeded");
            } catch (StatusRuntimeException e) {
                step("Task/State(id=no-such-task) -> %s: %s (as expected: no task was created)",
                        e.getStatus().getCode(), e.getStatus().getDescription());
            }
        }
    }

    private void publishEvent(TtrpcTransport transport, PrivateContainerd containerd) throws Exception {
        try (CtrEvents events = containerd.subscribe();
                TtrpcClient client = TtrpcClient.connect(transport, containerd.ttrpcSocket())) {
            step("'ctr events' is running and subscribed");
            Instant now = Instant.now();
            Timestamp timestamp = Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
            TaskExit exit = TaskExit.newBuilder().setContainerId(TASK_ID).setId(TASK_ID).setPid(4242)
                    .setExitStatus(7).setExitedAt(timestamp).build();
            Envelope envelope = Envelope.newBuilder().setTimestamp(timestamp).setNamespace(NAMESPACE)
                    .setTopic(TaskTopics.EXIT).setEvent(AnyCodec.pack(exit)).build();
            EventsGrpc.newBlockingStub(client)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(namespaceHeader()))
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .forward(ForwardRequest.newBuilder().setEnvelope(envelope).build());
            step("Events/Forward(%s, type %s) -> OK", TaskTopics.EXIT, envelope.getEvent().getTypeUrl());
            String line = events.await(l -> l.contains(TaskTopics.EXIT), Duration.ofSeconds(60))
                    .orElseThrow(() -> new AssertionError("ctr events did not show the exit: " + events.consumed()));
            step("ctr events printed: %s", line);
        }
    }

    /** The other direction: a Go ttrpc client ({@code ctr shim state}) calling our server. */
    private void serveCtrShim(TtrpcTransport transport, PrivateContainerd containerd) throws Exception {
        String id = "demo-served";
        StateResponse state = StateResponse.newBuilder().setId(id).setBundle("/run/capsa/demo/" + id).setPid(4242)
                .setStatus(Status.RUNNING).build();
        ShimSocketAddress address = ShimSocketAddress.of(containerd.grpcSocket().toString(), NAMESPACE, id);
        RunContainerdLeftovers leftovers = RunContainerdLeftovers.snapshot(NAMESPACE);
        try {
            Files.createDirectories(address.socketPath().getParent(),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            try (TtrpcServer server = TtrpcServer.builder(transport).addService(new StubTaskService(state)).build()) {
                server.bind(address.socketPath());
                step("Capsa TtrpcServer serves a Task service at %s (sha256 of %s/%s/%s)", address,
                        containerd.grpcSocket(), NAMESPACE, id);
                CommandResult result = containerd.ctr(Duration.ofSeconds(60), "--namespace", NAMESPACE, "shim",
                        "--id", id, "state").requireSuccess();
                step("ctr shim --id %s state (a Go ttrpc client) printed: %s", id,
                        result.stdout().replaceAll("\\s+", " ").strip());
            }
        } finally {
            leftovers.close();
        }
    }

    private static Metadata namespaceHeader() {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("containerd-namespace-ttrpc", Metadata.ASCII_STRING_MARSHALLER), NAMESPACE);
        return headers;
    }

    private void step(String format, Object... args) {
        out.println("  * " + String.format(format, args));
    }
}
