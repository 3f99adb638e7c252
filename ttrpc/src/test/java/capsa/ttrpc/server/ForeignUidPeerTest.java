package capsa.ttrpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import capsa.proto.ttrpc.Request;
import capsa.test.EchoRequest;
import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.frame.TtrpcFrame;
import capsa.ttrpc.testing.RecordingEchoService;
import java.io.OutputStream;
import java.nio.ByteBuffer;
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

/**
 * A real peer running as another user (nobody, via {@code setpriv}) is cut off by the default peer
 * check, while the same client run as us is answered. Needs root, setpriv and socat; skipped otherwise.
 */
class ForeignUidPeerTest {

  private static final int NOBODY = 65534;

  @TempDir Path dir;
  private TtrpcTransport transport;
  private TtrpcServer server;
  private Path socket;
  private final RecordingEchoService echo = new RecordingEchoService();

  @BeforeEach
  void start() throws Exception {
    assumeTrue((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0, "needs root");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/socat")), "needs socat");
    transport = TtrpcTransport.createDefault();
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    socket = dir.resolve("t.sock");
    server = TtrpcServer.builder(transport).addService(echo).build().bind(socket);
    // Let the other user reach the socket at all, so that only the peer check can stop it.
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
      assertThat(server.awaitTermination(Duration.ofSeconds(30))).isTrue();
    }
    if (transport != null) {
      transport.close();
    }
  }

  private byte[] run(List<String> prefix) throws Exception {
    Request request =
        Request.newBuilder()
            .setService("capsa.test.Echo")
            .setMethod("Echo")
            .setPayload(EchoRequest.newBuilder().setText("who").build().toByteString())
            .build();
    byte[] data = request.toByteArray();
    ByteBuffer frame = ByteBuffer.allocate(TtrpcFrame.HEADER_LENGTH + data.length);
    frame.putInt(data.length).putInt(1).put((byte) 1).put((byte) 0).put(data);
    List<String> cmd = new java.util.ArrayList<>(prefix);
    cmd.addAll(List.of("/usr/bin/socat", "STDIO", "UNIX-CONNECT:" + socket));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      OutputStream in = p.getOutputStream();
      in.write(frame.array());
      in.flush();
      // Keep our sending side open until the answer (or the server's hang-up): like the Go server, ours
      // treats end-of-input as the end of the connection and cancels what is still running.
      byte[] header = p.getInputStream().readNBytes(TtrpcFrame.HEADER_LENGTH);
      in.close();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      return header;
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void nobodyIsRejectedWhileWeAreAnswered() throws Exception {
    byte[] asNobody =
        run(List.of("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
    assertThat(asNobody).isEmpty();
    assertThat(echo.seen).isEmpty();

    byte[] asUs = run(List.of());
    assertThat(asUs).hasSize(TtrpcFrame.HEADER_LENGTH);
    assertThat(asUs[8]).isEqualTo((byte) TtrpcFrame.TYPE_RESPONSE);
    assertThat(echo.seen).hasSize(1);
  }
}
