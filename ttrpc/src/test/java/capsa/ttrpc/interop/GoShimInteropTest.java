package capsa.ttrpc.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.client.TtrpcClient;
import capsa.ttrpc.server.TtrpcServer;
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
  private static final String NAMESPACE = "capsa-ttrpc-test";
  private static final Path RUNC_ROOT = Path.of("/run/containerd/runc", NAMESPACE);

  @TempDir Path bundle;
  private final String id = "capsa-ttrpc-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
  private TtrpcTransport transport;
  private TtrpcServer eventsServer;
  private final java.util.concurrent.BlockingQueue<RecordingEventsService.Forwarded> events =
      new java.util.concurrent.LinkedBlockingQueue<>();
  private FileChannel logFifo;
  private Thread logDrain;
  private Path socket;
  private long shimPid = -1;

  @BeforeEach
  void startShim() throws Exception {
    assumeTrue(Files.isExecutable(SHIM), "needs " + SHIM);
    assumeTrue((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0, "needs root");
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runc")) || Files.isExecutable(Path.of("/usr/bin/runc")),
        "needs runc");
    assumeTrue(Files.isExecutable(BUSYBOX), "needs " + BUSYBOX);
    writeRuncBundle();
    transport = TtrpcTransport.createDefault();
    eventsServer =
        TtrpcServer.builder(transport)
            .addService(RecordingEventsService.definition(events))
            .build()
            .bind(bundle.resolve("containerd.sock.ttrpc"));
    Path log = bundle.resolve("log");
    assertThat(new ProcessBuilder("mkfifo", log.toString()).start().waitFor()).isZero();
    // Opened read-write so the open never blocks; drained so the shim never blocks writing its log.
    logFifo = FileChannel.open(log, StandardOpenOption.READ, StandardOpenOption.WRITE);
    logDrain = new Thread(this::drainLog, "shim-log-drain");
    logDrain.setDaemon(true);
    logDrain.start();

    ProcessBuilder pb =
        new ProcessBuilder(SHIM.toString(), "-namespace", NAMESPACE, "-id", id,
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
  }

  private static final Path BUSYBOX = Path.of("/bin/busybox");

  /** {@code runc spec}'s default bundle, running {@code sleep 30} from a busybox rootfs, no terminal. */
  private void writeRuncBundle() throws Exception {
    Path bin = Files.createDirectories(bundle.resolve("rootfs/bin"));
    Files.copy(BUSYBOX, bin.resolve("busybox"));
    Files.createSymbolicLink(bin.resolve("sleep"), Path.of("busybox"));
    Process spec = new ProcessBuilder("runc", "spec").directory(bundle.toFile()).start();
    assertThat(spec.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(spec.exitValue()).isZero();
    Path config = bundle.resolve("config.json");
    String json = Files.readString(config);
    String patched = json.replace("\"terminal\": true", "\"terminal\": false")
        .replaceFirst("\"args\": \\[\\s*\"sh\"\\s*\\]", "\"args\": [\"sleep\", \"30\"]");
    assertThat(patched).contains("\"sleep\", \"30\"").contains("\"terminal\": false");
    Files.writeString(config, patched);
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
    if (eventsServer != null) {
      eventsServer.close();
    }
    if (shimPid > 0) {
      Optional<ProcessHandle> shim = ProcessHandle.of(shimPid);
      if (shim.isPresent()) {
        shim.get().destroy();
        shim.get().onExit().get(30, TimeUnit.SECONDS);
      }
    }
    if (socket != null) {
      Files.deleteIfExists(socket);
      // Should the test have failed between Create and Delete, remove the container runc still knows.
      Process delete =
          new ProcessBuilder("runc", "--root", RUNC_ROOT.toString(), "delete", "-f", id)
              .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      delete.waitFor(30, TimeUnit.SECONDS);
      try {
        Files.deleteIfExists(RUNC_ROOT);
      } catch (java.nio.file.DirectoryNotEmptyException stillInUse) {
        // another run of this test is using it
      }
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
    headers.put(Metadata.Key.of("containerd-namespace-ttrpc", Metadata.ASCII_STRING_MARSHALLER), NAMESPACE);
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

  /** A message with field 1 = id and field 2 = bundle (CreateTaskRequest). */
  private byte[] createRequest() {
    ByteString idBytes = ByteString.copyFromUtf8(id);
    ByteString bundleBytes = ByteString.copyFromUtf8(bundle.toString());
    return ByteString.copyFrom(new byte[] {0x0a, (byte) idBytes.size()})
        .concat(idBytes)
        .concat(ByteString.copyFrom(new byte[] {0x12, (byte) bundleBytes.size()}))
        .concat(bundleBytes)
        .toByteArray();
  }

  @Test
  void goClientForwardsTaskEventsToOurServer() throws Exception {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("containerd-namespace-ttrpc", Metadata.ASCII_STRING_MARSHALLER), NAMESPACE);
    try (TtrpcClient client = TtrpcClient.connect(transport, socket)) {
      io.grpc.Channel channel =
          ClientInterceptors.intercept(client, MetadataUtils.newAttachHeadersInterceptor(headers));
      CallOptions withDeadline = CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS);
      shimPid = UnknownFieldSet.parseFrom(
              ClientCalls.blockingUnaryCall(channel, method("Connect"), withDeadline, idRequest()))
          .getField(1).getVarintList().get(0);

      byte[] created = ClientCalls.blockingUnaryCall(channel, method("Create"), withDeadline, createRequest());
      long taskPid = UnknownFieldSet.parseFrom(created).getField(1).getVarintList().get(0);
      assertThat(taskPid).isPositive();

      // The shim's Go ttrpc client calls Events/Forward on our server with the TaskCreate envelope.
      RecordingEventsService.Forwarded create = events.poll(60, TimeUnit.SECONDS);
      assertThat(create).as("no event forwarded").isNotNull();
      assertThat(create.topic()).isEqualTo("/tasks/create");
      assertThat(create.namespace()).isEqualTo(NAMESPACE);
      assertThat(create.metadata().get("containerd-namespace-ttrpc")).contains(NAMESPACE);

      ClientCalls.blockingUnaryCall(channel, method("Delete"), withDeadline, idRequest());
      // Deleting the created task forwards /tasks/exit, then /tasks/delete.
      java.util.List<String> topics = new java.util.ArrayList<>();
      while (!topics.contains("/tasks/delete")) {
        RecordingEventsService.Forwarded next = events.poll(60, TimeUnit.SECONDS);
        assertThat(next).as("events so far: %s", topics).isNotNull();
        topics.add(next.topic());
      }
      assertThat(topics).containsExactly("/tasks/exit", "/tasks/delete");
    }
  }
}
