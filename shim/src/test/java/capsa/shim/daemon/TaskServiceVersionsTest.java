package capsa.shim.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.client.TtrpcClient;
import capsa.ttrpc.server.TtrpcServer;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One placeholder implementation, reached through real ttrpc under both Task service names. */
class TaskServiceVersionsTest {

    private TtrpcTransport transport;
    private Path dir;
    private final ShutdownService shutdown = new ShutdownService();

    @BeforeEach
    void setUp() throws Exception {
        transport = TtrpcTransport.create(1, 4, 16);
        dir = Files.createTempDirectory(Path.of("/tmp"), "tsv-");
    }

    @AfterEach
    void tearDown() throws Exception {
        transport.close();
        Files.deleteIfExists(dir.resolve("s"));
        Files.deleteIfExists(dir);
    }

    @Test
    void v2AndV3CallsReachTheSameHandlers() throws Exception {
        ServerServiceDefinition v2 = new PlaceholderTaskService(shutdown).bindService();
        ServerServiceDefinition v3 = TaskServiceVersions.asV3(v2);
        assertThat(v3.getServiceDescriptor().getName()).isEqualTo("containerd.task.v3.Task");
        assertThat(v3.getMethods()).hasSameSizeAs(v2.getMethods());

        try (TtrpcServer server = TtrpcServer.builder(transport).addService(v2).addService(v3).build()) {
            server.bind(dir.resolve("s"));
            try (TtrpcClient client = TtrpcClient.connect(transport, dir.resolve("s"))) {
                var v2stub = capsa.proto.containerd.task.v2.TaskGrpc.newBlockingStub(client)
                        .withDeadlineAfter(30, TimeUnit.SECONDS);
                var v3stub = capsa.proto.containerd.task.v3.TaskGrpc.newBlockingStub(client)
                        .withDeadlineAfter(30, TimeUnit.SECONDS);
                long pid = ProcessHandle.current().pid();

                assertThat(v2stub.connect(capsa.proto.containerd.task.v2.ConnectRequest.newBuilder().setId("c1")
                        .build()).getShimPid()).isEqualTo(pid);
                assertThat(v3stub.connect(capsa.proto.containerd.task.v3.ConnectRequest.newBuilder().setId("c1")
                        .build()).getShimPid()).isEqualTo(pid);

                StatusRuntimeException create = catchThrowableOfType(StatusRuntimeException.class,
                        () -> v3stub.create(capsa.proto.containerd.task.v3.CreateTaskRequest.newBuilder()
                                .setId("c1").build()));
                assertThat(create.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);

                assertThat(shutdown.isShutdownRequested()).isFalse();
                v3stub.shutdown(capsa.proto.containerd.task.v3.ShutdownRequest.newBuilder().setId("c1").build());
                assertThat(shutdown.awaitShutdownRequest(30_000)).isTrue();
            }
        }
    }
}
