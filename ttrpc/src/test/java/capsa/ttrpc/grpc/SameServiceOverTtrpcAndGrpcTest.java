package capsa.ttrpc.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import capsa.test.EchoGrpc;
import capsa.test.EchoRequest;
import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.client.TtrpcClient;
import capsa.ttrpc.server.TtrpcServer;
import capsa.ttrpc.testing.RecordingEchoService;
import io.grpc.ManagedChannel;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One Echo implementation, one definition, served over ttrpc and over gRPC, called by the same stub. */
class SameServiceOverTtrpcAndGrpcTest {

  @TempDir Path dir;
  private TtrpcTransport transport;
  private final RecordingEchoService echo = new RecordingEchoService();
  private TtrpcServer ttrpcServer;
  private GrpcUnixServer grpcServer;
  private TtrpcClient ttrpcClient;
  private ManagedChannel grpcChannel;

  @BeforeEach
  void start() throws Exception {
    transport = TtrpcTransport.createDefault();
    ServerServiceDefinition definition = echo.bindService();
    Path ttrpcSocket = dir.resolve("ttrpc.sock");
    Path grpcSocket = dir.resolve("grpc.sock");
    ttrpcServer = TtrpcServer.builder(transport).addService(definition).build().bind(ttrpcSocket);
    grpcServer = GrpcUnixServer.start(transport, grpcSocket, List.of(definition));
    ttrpcClient = TtrpcClient.connect(transport, ttrpcSocket);
    grpcChannel =
        NettyChannelBuilder.forAddress(new DomainSocketAddress(grpcSocket.toFile()))
            .channelType(EpollDomainSocketChannel.class)
            .eventLoopGroup(transport.eventLoopGroup())
            .usePlaintext()
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    ttrpcClient.close();
    grpcChannel.shutdownNow();
    assertThat(grpcChannel.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    ttrpcServer.close();
    grpcServer.close();
    assertThat(ttrpcServer.awaitTermination(Duration.ofSeconds(30))).isTrue();
    assertThat(grpcServer.awaitTermination(Duration.ofSeconds(30))).isTrue();
    transport.close();
  }

  @Test
  void theSameStubWorksOverBothTransports() {
    for (io.grpc.Channel channel : List.of(ttrpcClient, grpcChannel)) {
      EchoGrpc.EchoBlockingStub stub = EchoGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
      assertThat(stub.echo(EchoRequest.newBuilder().setText("hi").build()).getText()).isEqualTo("hi");
      StatusRuntimeException e =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () -> stub.fail(EchoRequest.newBuilder().setFailure("status").build()));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
      assertThat(e.getStatus().getDescription()).isEqualTo("container not created: not found");
    }
    assertThat(echo.seen).extracting(RecordingEchoService.Seen::deadlineNanos).allSatisfy(d -> assertThat(d).isPositive());
  }

  @Test
  void grpcSocketIsPrivateAndRemovedOnClose() throws Exception {
    Path socket = grpcServer.socket();
    assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    grpcServer.close();
    assertThat(grpcServer.awaitTermination(Duration.ofSeconds(30))).isTrue();
    assertThat(socket).doesNotExist();
  }
}
