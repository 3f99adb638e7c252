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
import io.netty.channel.epoll.EpollDomainSocketChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The virtio-serial protocol against a socketpair standing in for the port: the guest speaks first with the ready
 * line, ttrpc follows on the same bytes, and after the host disconnects the agent reopens and speaks first again.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VirtioSerialServerTest {
  private final Posix posix = HostNatives.posix();
  private final BlockingQueue<Fd> hostEnds = new LinkedBlockingQueue<>();
  private TtrpcTransport transport;
  private TtrpcServer server;
  private VirtioSerialServer serial;
  private Path uptime;

  @BeforeEach
  void setUp() throws Exception {
    transport = TtrpcTransport.create(1, 4, 16);
    server = TtrpcServer.builder(transport).addService(new HealthHandler("test")).peerCheck(PeerCheck.allowAll()).build();
    uptime = Files.createTempFile("uptime", "");
    Files.writeString(uptime, "12.34 5.00\n");
    serial =
        new VirtioSerialServer(
            posix,
            () -> {
              int[] sv = new int[2];
              if (posix.libc().socketpair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0, sv) != 0) {
                throw posix.error("socketpair");
              }
              hostEnds.add(new Fd(posix, sv[1]));
              return new Fd(posix, sv[0]);
            },
            uptime);
    serial.serve(server, transport.eventLoopGroup());
  }

  @AfterEach
  void tearDown() throws Exception {
    serial.close();
    server.close();
    transport.close();
    hostEnds.forEach(Fd::close);
    Files.deleteIfExists(uptime);
  }

  private String readLine(Fd fd) throws Exception {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    byte[] b = new byte[1];
    while (posix.read(fd.value(), b, 1) == 1) {
      line.write(b[0]);
      if (b[0] == '\n') {
        break;
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  private HealthCheckResponse.ServingStatus check(Fd hostEnd) throws Exception {
    int flags = posix.libc().fcntl(hostEnd.value(), 3, 0);
    posix.libc().fcntl(hostEnd.value(), 4, flags | LibC.O_NONBLOCK);
    EpollDomainSocketChannel ch = new EpollDomainSocketChannel(hostEnd.value());
    transport.eventLoopGroup().register(ch).sync();
    try (TtrpcClient client = TtrpcClient.over(ch, transport.executor())) {
      return HealthGrpc.newBlockingStub(client)
          .withDeadlineAfter(20, TimeUnit.SECONDS)
          .check(CheckRequest.getDefaultInstance())
          .getStatus();
    }
  }

  @Test
  void guestSpeaksFirstThenServesTtrpcAndReconnects() throws Exception {
    Fd first = hostEnds.poll(20, TimeUnit.SECONDS);
    assertThat(readLine(first)).isEqualTo("CAPSA-AGENT-READY uptime=12.34\n");
    // The Netty channel owns (and closes) the descriptor from here; closing it is the host disconnecting.
    assertThat(check(first)).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

    Fd second = hostEnds.poll(20, TimeUnit.SECONDS);
    assertThat(second).as("agent reopened the port after the host left").isNotNull();
    assertThat(readLine(second)).isEqualTo("CAPSA-AGENT-READY uptime=12.34\n");
    assertThat(check(second)).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }
}
