package capsa.agent.probe;

import capsa.agent.sys.LibC;
import capsa.agent.sys.Posix;
import capsa.proto.agent.AgentServiceGrpc;
import capsa.proto.agent.CheckRequest;
import capsa.proto.agent.GuestDetailsRequest;
import capsa.proto.agent.GuestDetailsResponse;
import capsa.proto.agent.HealthCheckResponse;
import capsa.proto.agent.HealthGrpc;
import capsa.ttrpc.client.TtrpcClient;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.epoll.VSockAddress;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -cp capsa-agent.jar capsa.agent.probe.VsockLoopbackProbe [port]}: run INSIDE a guest that has
 * {@code vsock_loopback} loaded. Connects to CID 1 (the local guest) on {@code port} (default 1024), calls
 * {@code grpc.Health/Check} and {@code grpc.AgentService/GetGuestDetails} over ttrpc and prints one line per answer:
 * <pre>VSOCK-PROBE check=SERVING
 * VSOCK-PROBE agent-version=0.1.0</pre>
 * Exit status 0 when both calls answered, 1 otherwise. On a host CID 1 would go to the outer hypervisor, so this must
 * never run there.
 */
public final class VsockLoopbackProbe {
  private static final int VMADDR_CID_LOCAL = 1;
  private static final int CONNECT_TIMEOUT_MS = 30_000;

  private VsockLoopbackProbe() {}

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
    EpollEventLoopGroup group = new EpollEventLoopGroup(1);
    ExecutorService callbacks = Executors.newSingleThreadExecutor();
    int status = 1;
    try (TtrpcClient client = TtrpcClient.over(connect(group, port), callbacks)) {
      HealthCheckResponse health =
          HealthGrpc.newBlockingStub(client)
              .withDeadlineAfter(60, TimeUnit.SECONDS)
              .check(CheckRequest.getDefaultInstance());
      System.out.println("VSOCK-PROBE check=" + health.getStatus());
      GuestDetailsResponse details =
          AgentServiceGrpc.newBlockingStub(client)
              .withDeadlineAfter(60, TimeUnit.SECONDS)
              .getGuestDetails(GuestDetailsRequest.getDefaultInstance());
      System.out.println("VSOCK-PROBE agent-version=" + details.getAgentDetails().getVersion());
      status = 0;
    } catch (IOException | RuntimeException e) {
      System.out.println("VSOCK-PROBE failed: " + e);
    } finally {
      callbacks.shutdownNow();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
    System.exit(status);
  }

  /** Non-blocking AF_VSOCK connect (Netty's socket) finished with poll, then handed to an epoll channel. */
  private static EpollDomainSocketChannel connect(EpollEventLoopGroup group, int port) throws IOException {
    LinuxSocket socket = LinuxSocket.newVSockStream();
    boolean handedOver = false;
    Posix posix = new Posix(LibC.load());
    try {
      if (!socket.connectVSock(new VSockAddress(VMADDR_CID_LOCAL, port))) {
        if ((posix.poll(socket.intValue(), LibC.POLLOUT, CONNECT_TIMEOUT_MS) & LibC.POLLOUT) == 0
            || !socket.finishConnect()) {
          throw new IOException("vsock 1:" + port + " did not connect within " + CONNECT_TIMEOUT_MS + " ms");
        }
      }
      // Epoll channels read edge-triggered: the fd must be non-blocking whichever way Netty created it.
      int flags = posix.libc().fcntl(socket.intValue(), 3 /* F_GETFL */, 0);
      posix.libc().fcntl(socket.intValue(), 4 /* F_SETFL */, flags | LibC.O_NONBLOCK);
      EpollDomainSocketChannel channel = new EpollDomainSocketChannel(socket.intValue());
      group.register(channel).syncUninterruptibly();
      handedOver = true;
      return channel;
    } finally {
      if (!handedOver) {
        socket.close();
      }
    }
  }
}
