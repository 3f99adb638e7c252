package capsa.ttrpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.proto.ttrpc.Request;
import capsa.test.EchoRequest;
import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.testing.RecordingEchoService;
import capsa.ttrpc.testing.ScriptedTtrpcPeer;
import capsa.ttrpc.testing.ScriptedTtrpcPeer.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With every handler thread and queue slot taken, the next call is refused, and deadlines still fire. */
class SaturatedExecutorTest {

  @TempDir Path dir;

  private static Request sleep(String text, long millis, long timeoutNanos) {
    return Request.newBuilder()
        .setService("capsa.test.Echo")
        .setMethod("Sleep")
        .setPayload(EchoRequest.newBuilder().setText(text).setSleepMillis(millis).build().toByteString())
        .setTimeoutNano(timeoutNanos)
        .build();
  }

  @Test
  void busyServerAnswersResourceExhaustedAndQueuedDeadlinesStillFire() throws Exception {
    RecordingEchoService echo = new RecordingEchoService();
    try (TtrpcTransport transport = TtrpcTransport.create(1, 1, 1)) {
      Path socket = dir.resolve("busy.sock");
      TtrpcServer server = TtrpcServer.builder(transport).addService(echo).build().bind(socket);
      try (ScriptedTtrpcPeer peer = ScriptedTtrpcPeer.connect(transport, socket)) {
        peer.sendRequest(1, sleep("running", 60_000, 0));
        assertThat(echo.sleeping.poll(30, TimeUnit.SECONDS)).isEqualTo("running");
        peer.sendRequest(3, sleep("queued", 60_000, TimeUnit.MILLISECONDS.toNanos(500)));
        peer.sendRequest(5, sleep("refused", 0, 0));
        Reply refused = peer.nextResponse();
        assertThat(refused.streamId()).isEqualTo(5);
        assertThat(refused.code()).isEqualTo(8);
        // The queued call never got a thread, yet its deadline is answered on time by the event loop.
        Reply queued = peer.nextResponse();
        assertThat(queued.streamId()).isEqualTo(3);
        assertThat(queued.code()).isEqualTo(4);
      } finally {
        server.close();
        assertThat(server.awaitTermination(Duration.ofSeconds(30))).isTrue();
      }
      assertThat(echo.cancelled.poll(30, TimeUnit.SECONDS)).isEqualTo("running");
    }
  }
}
