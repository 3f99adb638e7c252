package capsa.ttrpc.client;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.test.EchoGrpc;
import capsa.test.EchoRequest;
import capsa.test.EchoResponse;
import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.server.TtrpcServer;
import capsa.ttrpc.testing.RecordingEchoService;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoundTripTest {

  @TempDir Path dir;
  private TtrpcTransport transport;
  private TtrpcServer server;
  private TtrpcClient client;

  @BeforeEach
  void start() throws Exception {
    transport = TtrpcTransport.createDefault();
    Path socket = dir.resolve("echo.sock");
    server = TtrpcServer.builder(transport).addService(new RecordingEchoService()).build().bind(socket);
    client = TtrpcClient.connect(transport, socket);
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.close();
    assertThat(server.awaitTermination(java.time.Duration.ofSeconds(10))).isTrue();
    transport.close();
  }

  @Test
  void unaryCallRoundTrips() {
    EchoResponse response =
        EchoGrpc.newBlockingStub(client).echo(EchoRequest.newBuilder().setText("hello").build());
    assertThat(response.getText()).isEqualTo("hello");
    assertThat(response.getDeadlineNanos()).isEqualTo(-1);
  }
}
