package capsa.agent.probe;

import capsa.proto.agent.AgentServiceGrpc;
import capsa.proto.agent.CheckRequest;
import capsa.proto.agent.GuestDetailsRequest;
import capsa.proto.agent.HealthGrpc;
import capsa.proto.agent.ReadStreamRequest;
import capsa.proto.agent.StartContainerRequest;
import capsa.ttrpc.client.TtrpcClient;
import io.grpc.StatusRuntimeException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -cp capsa-agent.jar capsa.agent.probe.TrainingProbe SOCKET}: the workload of the image build's start-up
 * archive training run (guest/build-agent-overlay.sh). Calls the RPCs a host makes first and that need no sandbox
 * (Check, GetGuestDetails) and two that fail (NotFound), over ttrpc on the agent's Unix socket, so that the serving
 * path (ttrpc framing, protobuf, handlers, error mapping) is in the archive, not only the start-up path. Prints
 * {@code TRAINING-PROBE ok}; exit status 0 when every answer was the expected one.
 */
public final class TrainingProbe {
  private TrainingProbe() {}

  public static void main(String[] args) throws Exception {
    EpollEventLoopGroup group = new EpollEventLoopGroup(1);
    ExecutorService callbacks = Executors.newSingleThreadExecutor();
    int status = 1;
    try {
      Channel ch = new Bootstrap().group(group).channel(EpollDomainSocketChannel.class)
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {}
          })
          .connect(new DomainSocketAddress(args[0])).sync().channel();
      try (TtrpcClient client = TtrpcClient.over(ch, callbacks)) {
        for (int round = 0; round < 3; round++) {
          HealthGrpc.newBlockingStub(client).withDeadlineAfter(60, TimeUnit.SECONDS)
              .check(CheckRequest.getDefaultInstance());
          AgentServiceGrpc.AgentServiceBlockingStub agent =
              AgentServiceGrpc.newBlockingStub(client).withDeadlineAfter(60, TimeUnit.SECONDS);
          agent.getGuestDetails(GuestDetailsRequest.newBuilder().setMemBlockSize(true).build());
          expectFailure(() -> agent.startContainer(StartContainerRequest.newBuilder().setContainerId("none").build()));
          expectFailure(() -> agent.readStdout(ReadStreamRequest.newBuilder().setContainerId("none").build()));
        }
      }
      System.out.println("TRAINING-PROBE ok");
      status = 0;
    } catch (RuntimeException e) {
      System.out.println("TRAINING-PROBE failed: " + e);
    } finally {
      callbacks.shutdownNow();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
    System.exit(status);
  }

  private static void expectFailure(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException expected) {
      return;
    }
    throw new IllegalStateException("a call that should fail succeeded");
  }
}
