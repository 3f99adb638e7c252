package capsa.ttrpc.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.client.TtrpcClient;
import capsa.ttrpc.testing.RawTaskService.BytesMarshaller;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our client against a real Go ttrpc server: containerd's own {@code containerd-shim-runc-v2}, started the
 * way containerd starts it (bundle as working directory, a {@code log} FIFO, {@code start} printing the
 * socket address). Raw-byte method descriptors stand in for the task protos. Needs root (the shim puts
 * its socket under /run/containerd/s) and the shim binary; skipped otherwise.
 */
class GoShimInteropTest {

  private static final Path SHIM = Path.of("/usr/bin/containerd-shim-runc-v2");
  private static final String TASK = "containerd.task.v2.Task";

  @TempDir Path bundle;
  private final String id = "capsa-ttrpc-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
  private TtrpcTransport transport;
  private FileChannel logFifo;
  private Thread logDrain;
  private Path socket;
  private long shimPid = -1;

  @BeforeEach
  void startShim() throws Exception {
    assumeTrue(Files.isExecutable(SHIM), "needs " + SHIM);
    assumeTrue((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0, "needs root");
    Files.writeString(bundle.resolve("config.json"), "{}");
    Path log = bundle.resolve("log");
    assertThat(new ProcessBuilder("mkfifo", log.toString()).start().waitFor()).isZero();
    // Opened read-write so the open never blocks; drained so the shim never blocks writing its log.
    logFifo = FileChannel.open(log, StandardOpenOption.READ, StandardOpenOption.WRITE);
    logDrain = new Thread(this::drainLog, "shim-log-drain");
    logDrain.setDaemon(true);
    logDrain.start();

    ProcessBuilder pb =
        new ProcessBuilder(SHIM.toString(), "-namespace", "capsa-test", "-id", id,
                "-address", bundle.resolve("containerd.sock").toString(), "start")
            .directory(bundle.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("TTRPC_ADDRESS", bundle.resolve("containerd.sock.ttrpc").toString());
    Process start = pb.start();
    String address = new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(start.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(address).startsWith("unix://");
    socket = Path.of(address.substring("unix://".length()));
    transport = TtrpcTransport.createDefault();
  }

  private void drainLog() {
    ByteBuffer buf = ByteBuffer.allocate(4096);
    try {
      while (logFifo.read(buf.clear()) >= 0) {
        // discard
      }
    } catch (IOException closed) {
      // test over
    }
  }

  @AfterEach
  void stopShim() throws Exception {
    if (shimPid > 0) {
      Optional<ProcessHandle> shim = ProcessHandle.of(shimPid);
      if (shim.isPresent()) {
        shim.get().destroy();
        shim.get().onExit().get(30, TimeUnit.SECONDS);
      }
    }
    if (socket != null) {
      Files.deleteIfExists(socket);
    }
    if (transport != null) {
      transport.close();
    }
    if (logFifo != null) {
      logFifo.close();
    }
  }

  private static MethodDescriptor<byte[], byte[]> method(String name) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(TASK, name))
        .setRequestMarshaller(new BytesMarshaller())
        .setResponseMarshaller(new BytesMarshaller())
        .build();
  }

  /** A message whose field 1 is the string {@code id} (ConnectRequest, StateRequest, ShutdownRequest). */
  private byte[] idRequest() {
    ByteString idBytes = ByteString.copyFromUtf8(id);
    return ByteString.copyFrom(new byte[] {0x0a, (byte) idBytes.size()}).concat(idBytes).toByteArray();
  }

  @Test
  void unaryCallsErrorsAndMetadataAgainstTheGoServer() throws Exception {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("containerd-namespace-ttrpc", Metadata.ASCII_STRING_MARSHALLER), "capsa-test");
    try (TtrpcClient client = TtrpcClient.connect(transport, socket)) {
      io.grpc.Channel channel =
          ClientInterceptors.intercept(client, MetadataUtils.newAttachHeadersInterceptor(headers));
      CallOptions withDeadline = CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS);

      byte[] connected = ClientCalls.blockingUnaryCall(channel, method("Connect"), withDeadline, idRequest());
      UnknownFieldSet fields = UnknownFieldSet.parseFrom(connected);
      shimPid = fields.getField(1).getVarintList().get(0);
      assertThat(ProcessHandle.of(shimPid)).isPresent();
      assertThat(ProcessHandle.of(shimPid).get().info().command()).contains(SHIM.toString());

      StatusRuntimeException notFound =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () -> ClientCalls.blockingUnaryCall(channel, method("State"), withDeadline, idRequest()));
      assertThat(notFound.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

      StatusRuntimeException unimplemented =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () -> ClientCalls.blockingUnaryCall(channel, method("NoSuchMethod"), withDeadline, new byte[0]));
      assertThat(unimplemented.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);

      // Several calls in flight at once on the one connection, answered by stream id.
      var futures = new java.util.ArrayList<com.google.common.util.concurrent.ListenableFuture<byte[]>>();
      for (int i = 0; i < 20; i++) {
        futures.add(ClientCalls.futureUnaryCall(channel.newCall(method("Connect"), withDeadline), idRequest()));
      }
      for (var f : futures) {
        assertThat(UnknownFieldSet.parseFrom(f.get(30, TimeUnit.SECONDS)).getField(1).getVarintList())
            .containsExactly(shimPid);
      }
    }
  }
}
