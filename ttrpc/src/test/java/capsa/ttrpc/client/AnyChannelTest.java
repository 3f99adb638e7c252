package capsa.ttrpc.client;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.test.EchoGrpc;
import capsa.test.EchoRequest;
import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.server.TtrpcServer;
import capsa.ttrpc.testing.RecordingEchoService;
import io.grpc.StatusRuntimeException;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code TtrpcServer.serve} and {@code TtrpcClient.over} on channels of a transport that is neither a Unix
 * socket nor epoll (Netty's in-VM local channels), as vsock and virtio-serial bridges will use them.
 */
class AnyChannelTest {

  private final EventLoopGroup local = new DefaultEventLoopGroup(1);
  private final TtrpcTransport transport = TtrpcTransport.createDefault();

  @AfterEach
  void stop() {
    local.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    transport.close();
  }

  @Test
  void servesAndCallsOverAlreadyConnectedChannels() throws Exception {
    RecordingEchoService echo = new RecordingEchoService();
    TtrpcServer server = TtrpcServer.builder(transport).addService(echo).build();
    LocalAddress address = new LocalAddress("ttrpc-any-channel-test");
    CompletableFuture<Channel> accepted = new CompletableFuture<>();
    Channel listener =
        new ServerBootstrap()
            .group(local)
            .channel(LocalServerChannel.class)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    accepted.complete(ch);
                  }
                })
            .bind(address)
            .syncUninterruptibly()
            .channel();
    try {
      Channel clientSide =
          new Bootstrap()
              .group(local)
              .channel(LocalChannel.class)
              .handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {}
              })
              .connect(address)
              .syncUninterruptibly()
              .channel();
      server.serve(accepted.get(30, TimeUnit.SECONDS));
      try (TtrpcClient client = TtrpcClient.over(clientSide, transport.executor())) {
        EchoGrpc.EchoBlockingStub stub = EchoGrpc.newBlockingStub(client);
        assertThat(stub.echo(EchoRequest.newBuilder().setText("over local").build()).getText())
            .isEqualTo("over local");
        assertThat(stub.withDeadlineAfter(10, TimeUnit.SECONDS).echo(EchoRequest.newBuilder().setText("again").build())
                .getDeadlineNanos()).isPositive();
        server.close();
        assertThat(server.awaitTermination(Duration.ofSeconds(30))).isTrue();
        client.closeFuture().get(30, TimeUnit.SECONDS);
        assertThat(client.isOpen()).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> stub.echo(EchoRequest.newBuilder().setText("gone").build()))
            .isInstanceOf(StatusRuntimeException.class)
            .hasMessageStartingWith("UNAVAILABLE");
      }
    } finally {
      listener.close().syncUninterruptibly();
    }
  }
}
