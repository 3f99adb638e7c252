package capsa.hypervisor.clh.standin;

import capsa.hypervisor.clh.api.ChJson;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * A stand-in for the Cloud Hypervisor VMM: its REST API on a Unix socket (Netty's HTTP server codec), answered by a
 * {@link StandInVmm}. It runs no guest. {@link #vmmShutdown()} completes after {@code vmm.shutdown} was answered, which
 * is when the real VMM exits.
 */
public final class StandInCloudHypervisor implements AutoCloseable {

  private final EventLoopGroup group;
  private final Path apiSocket;
  private final ObjectMapper mapper = ChJson.newMapper();
  private final StandInVmm vmm = new StandInVmm(mapper);
  private final CompletableFuture<Void> vmmShutdown = new CompletableFuture<>();
  private Channel server;
  private Channel vsockServer;
  private Path vsockPath;
  private Path recordFile;

  public StandInCloudHypervisor(EventLoopGroup group, Path apiSocket) {
    this.group = group;
    this.apiSocket = apiSocket;
  }

  /** Binds the API socket; fails like the real VMM when the path is taken. */
  public StandInCloudHypervisor start() throws IOException, InterruptedException {
    if (Files.exists(apiSocket)) {
      throw new IOException("API socket " + apiSocket + " already exists");
    }
    server =
        new ServerBootstrap()
            .group(group)
            .channel(EpollServerDomainSocketChannel.class)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(1 << 20))
                        .addLast(new ApiHandler());
                  }
                })
            .bind(new DomainSocketAddress(apiSocket.toString()))
            .sync()
            .channel();
    return this;
  }

  /**
   * Also appends every request as one JSON line ({@link RecordedRequest}) to {@code file}, so a test can check the
   * calls of a stand-in running in another process.
   */
  public StandInCloudHypervisor recordingTo(Path file) {
    this.recordFile = file;
    return this;
  }

  public StandInVmm vmm() {
    return vmm;
  }

  public Path apiSocket() {
    return apiSocket;
  }

  /** Completes once {@code vmm.shutdown} has been answered. */
  public CompletableFuture<Void> vmmShutdown() {
    return vmmShutdown;
  }

  /** Like the real VMM, the hybrid vsock socket appears when the VM boots. */
  private ChannelFuture bindVsock(Path socket) {
    return new ServerBootstrap()
        .group(group)
        .channel(EpollServerDomainSocketChannel.class)
        .childHandler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new StandInVsockMuxer(capsa.vsock.AgentEndpoint.AGENT_PORT));
              }
            })
        .bind(new DomainSocketAddress(socket.toString()));
  }

  @Override
  public void close() throws IOException {
    if (server != null) {
      server.close().syncUninterruptibly();
    }
    if (vsockServer != null) {
      vsockServer.close().syncUninterruptibly();
      Files.deleteIfExists(vsockPath);
    }
    Files.deleteIfExists(apiSocket);
  }

  private final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws IOException {
      if (!request.decoderResult().isSuccess()) {
        write(ctx, request, StandInReply.error(400, "Malformed HTTP request"));
        return;
      }
      String path = request.uri();
      byte[] body = ByteBufUtil.getBytes(request.content());
      StandInReply reply = vmm.handle(request.method().name(), path, body);
      if (recordFile != null) {
        RecordedRequest r = new RecordedRequest(
            request.method().name(), path, new String(body, java.nio.charset.StandardCharsets.UTF_8));
        Files.writeString(recordFile, mapper.writeValueAsString(r) + "\n",
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      }
      if (vsockServer == null && vmm.bootedVsockSocket() != null) {
        // Like the real VMM, the hybrid vsock socket exists by the time vm.boot is answered. Bind without blocking
        // the event loop, then reply.
        vsockPath = Path.of(vmm.bootedVsockSocket());
        request.retain();
        ChannelFuture bound = bindVsock(vsockPath);
        vsockServer = bound.channel();
        bound.addListener(f -> {
          try {
            reply(ctx, request, f.isSuccess() ? reply
                : StandInReply.error(500, "Cannot bind the vsock socket", String.valueOf(f.cause())));
          } finally {
            request.release();
          }
        });
        return;
      }
      reply(ctx, request, reply);
    }

    private void reply(ChannelHandlerContext ctx, FullHttpRequest request, StandInReply reply) throws IOException {
      write(ctx, request, reply).addListener(
          f -> {
            if (vmm.vmmShutdownRequested()) {
              vmmShutdown.complete(null);
            }
          });
    }

    private io.netty.channel.ChannelFuture write(
        ChannelHandlerContext ctx, FullHttpRequest request, StandInReply reply) throws IOException {
      byte[] body = reply.body() == null ? new byte[0] : mapper.writeValueAsBytes(reply.body());
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(body));
      if (body.length > 0) {
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
      }
      HttpUtil.setContentLength(response, body.length);
      var written = ctx.writeAndFlush(response);
      if (!HttpUtil.isKeepAlive(request)) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
      return written;
    }
  }
}
