package capsa.agent.probe;

import capsa.proto.agent.AgentServiceGrpc;
import capsa.proto.agent.CheckRequest;
import capsa.proto.agent.GuestDetailsRequest;
import capsa.proto.agent.GuestDetailsResponse;
import capsa.proto.agent.HealthCheckResponse;
import capsa.proto.agent.HealthGrpc;
import capsa.ttrpc.client.TtrpcClient;
import capsa.vsock.VsockConnector;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
    try (TtrpcClient client = TtrpcClient.over(connect(group, callbacks, port), callbacks)) {
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

  /** The vsock module's own connector, on its guest-only path to CID 1. */
  private static Channel connect(EpollEventLoopGroup group, ExecutorService blocking, int port) throws IOException {
    try {
      return new VsockConnector(group, blocking)
          .connectLocalInGuest(port, Instant.now().plusMillis(CONNECT_TIMEOUT_MS))
          .get(CONNECT_TIMEOUT_MS + 5_000L, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IOException("vsock 1:" + port + " did not connect: " + e.getCause(), e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new IOException("vsock 1:" + port + " did not connect within " + CONNECT_TIMEOUT_MS + " ms", e);
    }
  }
}
