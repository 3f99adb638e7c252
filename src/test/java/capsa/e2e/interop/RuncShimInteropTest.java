package capsa.e2e.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import capsa.e2e.support.HostBinaries;
import capsa.e2e.support.RuncShim;
import capsa.proto.containerd.task.v2.ConnectRequest;
import capsa.proto.containerd.task.v2.ConnectResponse;
import capsa.proto.containerd.task.v2.ShutdownRequest;
import capsa.proto.containerd.task.v2.StateRequest;
import capsa.proto.containerd.task.v2.TaskGrpc;
import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.client.TtrpcClient;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** Our ttrpc client and generated Task stubs against the Go server of {@code containerd-shim-runc-v2}. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class RuncShimInteropTest {

    private static final String NAMESPACE = "capsa-e2e";
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(30);

    private TtrpcTransport transport;

    @BeforeAll
    void createTransport() {
        transport = TtrpcTransport.create(1, 4, 64);
    }

    @AfterAll
    void closeTransport() {
        transport.close();
    }

    @Test
    void connectReportsTheShimProcessAndStateOfAnUnknownTaskIsNotFound() throws Exception {
        try (RuncShim shim = RuncShim.start(NAMESPACE, "interop-connect");
                TtrpcClient client = TtrpcClient.connect(transport, shim.socketPath())) {
            TaskGrpc.TaskBlockingStub task = stub(client);

            ConnectResponse connected = task.connect(ConnectRequest.newBuilder().setId("interop-connect").build());

            assertThat((long) connected.getShimPid()).as("shim_pid").isEqualTo(shim.pid());
            assertThat(Path.of("/proc/" + connected.getShimPid() + "/exe").toRealPath())
                    .isEqualTo(HostBinaries.RUNC_SHIM.toRealPath());
            assertThat(connected.getTaskPid()).as("no task was created").isZero();

            StatusRuntimeException notFound = catchThrowableOfType(StatusRuntimeException.class,
                    () -> task.state(StateRequest.newBuilder().setId("no-such-task").build()));

            assertThat(notFound).as("State of an unknown id must fail").isNotNull();
            assertThat(notFound.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(notFound.getStatus().getDescription()).contains("not found").contains("container not created");
            assertThat(client.isOpen()).as("an error reply keeps the connection").isTrue();
            assertThat(task.connect(ConnectRequest.newBuilder().setId("interop-connect").build()).getShimPid())
                    .isEqualTo(connected.getShimPid());
        }
    }

    @Test
    void shutdownWithoutTasksMakesTheShimExitAndRemoveItsSocket() throws Exception {
        try (RuncShim shim = RuncShim.start(NAMESPACE, "interop-shutdown");
                TtrpcClient client = TtrpcClient.connect(transport, shim.socketPath())) {
            try {
                stub(client).shutdown(ShutdownRequest.newBuilder().setId("interop-shutdown").build());
            } catch (StatusRuntimeException e) {
                // The Go shim may exit before its reply is flushed; then the connection just closes.
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            }

            ProcessHandle.of(shim.pid()).ifPresent(p -> p.onExit().orTimeout(60, TimeUnit.SECONDS).join());
            assertThat(shim.isAlive()).isFalse();
            client.closeFuture().orTimeout(60, TimeUnit.SECONDS).join();
            assertThat(Files.exists(shim.socketPath())).as("the shim removes its socket on shutdown").isFalse();
        }
    }

    private static TaskGrpc.TaskBlockingStub stub(TtrpcClient client) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("containerd-namespace-ttrpc", Metadata.ASCII_STRING_MARSHALLER), NAMESPACE);
        return TaskGrpc.newBlockingStub(client)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }
}
