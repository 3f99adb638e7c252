package capsa.agent.channel;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.agent.rpc.HealthHandler;
import capsa.agent.sys.Fd;
import capsa.agent.sys.LibC;
import capsa.agent.sys.Posix;
import capsa.agent.testing.HostNatives;
import capsa.proto.agent.CheckRequest;
import capsa.proto.agent.HealthCheckResponse;
import capsa.proto.agent.HealthGrpc;
import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.client.TtrpcClient;
import capsa.ttrpc.server.PeerCheck;
import capsa.ttrpc.server.TtrpcServer;
import capsa.vsock.AgentEndpoint;
import capsa.vsock.VirtioSerialConnector;
import com.sun.jna.Memory;
import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's virtio-serial side against the host's real {@link VirtioSerialConnector}: a Unix socket stands in for
 * QEMU's chardev, each accepted connection is "the port opened while a host is connected".
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VirtioSerialContractTest {
  @TempDir Path tmp;
  private final Posix posix = HostNatives.posix();
  private Fd listener;
  private TtrpcTransport transport;
  private TtrpcServer server;
  private VirtioSerialServer serial;
  private Thread loop;

  @BeforeEach
  void setUp() throws Exception {
    Path socket = tmp.resolve("ch.sock");
    listener = listen(socket);
    Path uptime = Files.writeString(tmp.resolve("uptime"), "3.21 1.00\n");
    transport = TtrpcTransport.create(1, 4, 16);
    server = TtrpcServer.builder(transport).addService(new HealthHandler("test")).peerCheck(PeerCheck.allowAll()).build();
    serial =
        new VirtioSerialServer(
            posix,
            () -> {
              int fd = posix.libc().accept4(listener.value(), null, null, LibC.SOCK_CLOEXEC);
              if (fd < 0) {
                throw posix.error("accept");
              }
              return new Fd(posix, fd);
            },
            uptime);
    loop = serial.serve(server, transport.eventLoopGroup());
  }

  private Fd listen(Path path) throws Exception {
    LibC libc = posix.libc();
    Fd fd = new Fd(posix, libc.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0));
    byte[] p = path.toString().getBytes(StandardCharsets.UTF_8);
    try (Memory addr = new Memory(110)) {
      addr.clear();
      addr.setShort(0, (short) LibC.AF_UNIX);
      addr.write(2, p, 0, p.length);
      assertThat(libc.bind(fd.value(), addr, 2 + p.length + 1)).isZero();
      assertThat(libc.listen(fd.value(), 4)).isZero();
    }
    return fd;
  }

  @AfterEach
  void tearDown() throws Exception {
    serial.close();
    posix.libc().shutdown(listener.value(), LibC.SHUT_RDWR); // wakes the agent's blocked accept
    loop.join(10_000);
    listener.close(); // only now: nobody polls it any more
    server.close();
    transport.close();
  }

  private void connectAndCheck() throws Exception {
    Channel ch =
        new VirtioSerialConnector(transport.eventLoopGroup())
            .connect(new AgentEndpoint.VirtioSerial(tmp.resolve("ch.sock")), Instant.now().plusSeconds(20))
            .get(30, TimeUnit.SECONDS);
    assertThat(ch.attr(VirtioSerialConnector.READY_LINE).get()).startsWith("CAPSA-AGENT-READY uptime=3.21");
    try (TtrpcClient client = TtrpcClient.over(ch, transport.executor())) {
      assertThat(
              HealthGrpc.newBlockingStub(client)
                  .withDeadlineAfter(20, TimeUnit.SECONDS)
                  .check(CheckRequest.getDefaultInstance())
                  .getStatus())
          .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }
  }

  @Test
  void hostConnectorReadsTheReadyLineAndTalksTtrpcTwice() throws Exception {
    connectAndCheck();
    connectAndCheck(); // after a host disconnect the agent speaks first again
  }
}
