package capsa.ttrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import capsa.proto.ttrpc.Request;
import capsa.test.EchoGrpc;
import capsa.test.EchoRequest;
import capsa.test.EchoResponse;
import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.frame.TtrpcFrame;
import capsa.ttrpc.server.TtrpcServer;
import capsa.ttrpc.testing.RecordingEchoService;
import capsa.ttrpc.testing.SilentTtrpcServer;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against the real server (and a silent peer) on Unix sockets, through generated stubs. */
class TtrpcClientTest {

  private static final long WAIT_SECONDS = 30;

  @TempDir Path dir;
  private TtrpcTransport transport;
  private final RecordingEchoService echo = new RecordingEchoService();
  private TtrpcServer server;
  private TtrpcClient client;

  @BeforeEach
  void start() throws Exception {
    transport = TtrpcTransport.createDefault();
    Path socket = dir.resolve("echo.sock");
    server = TtrpcServer.builder(transport).addService(echo).build().bind(socket);
    client = TtrpcClient.connect(transport, socket);
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.close();
    assertThat(server.awaitTermination(Duration.ofSeconds(WAIT_SECONDS))).isTrue();
    transport.close();
  }

  private static EchoRequest text(String text) {
    return EchoRequest.newBuilder().setText(text).build();
  }

  @Test
  void blockingFutureAndAsyncStubsWork() throws Exception {
    assertThat(EchoGrpc.newBlockingStub(client).echo(text("blocking")).getText()).isEqualTo("blocking");
    assertThat(EchoGrpc.newFutureStub(client).echo(text("future")).get(WAIT_SECONDS, TimeUnit.SECONDS).getText())
        .isEqualTo("future");
    CompletableFuture<EchoResponse> async = new CompletableFuture<>();
    EchoGrpc.newStub(client).echo(text("async"), new StreamObserver<>() {
      @Override
      public void onNext(EchoResponse value) {
        async.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        async.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    });
    assertThat(async.get(WAIT_SECONDS, TimeUnit.SECONDS).getText()).isEqualTo("async");
  }

  @Test
  void hundredConcurrentCallsOnOneConnectionCompleteOutOfOrder() throws Exception {
    EchoGrpc.EchoFutureStub stub = EchoGrpc.newFutureStub(client);
    ConcurrentLinkedQueue<String> completion = new ConcurrentLinkedQueue<>();
    CountDownLatch allRecorded = new CountDownLatch(100);
    List<ListenableFuture<EchoResponse>> futures = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      // The first call sleeps long enough for the 99 others to overtake it.
      EchoRequest request =
          EchoRequest.newBuilder().setText("call-" + i).setSleepMillis(i == 0 ? 1500 : i % 7).build();
      ListenableFuture<EchoResponse> f = stub.sleep(request);
      f.addListener(
          () -> {
            completion.add(request.getText());
            allRecorded.countDown();
          },
          Runnable::run);
      futures.add(f);
    }
    for (int i = 0; i < 100; i++) {
      assertThat(futures.get(i).get(WAIT_SECONDS, TimeUnit.SECONDS).getText()).isEqualTo("call-" + i);
    }
    assertThat(allRecorded.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(completion).hasSize(100);
    assertThat(List.copyOf(completion).get(99)).isEqualTo("call-0");
    assertThat(client.isOpen()).isTrue();
  }

  @Test
  void deadlineTravelsAsTimeoutAndTheServerEnforcesIt() {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> EchoGrpc.newBlockingStub(client)
                .withDeadlineAfter(400, TimeUnit.MILLISECONDS)
                .sleep(EchoRequest.newBuilder().setText("slow").setSleepMillis(60_000).build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    RecordingEchoService.Seen seen = echo.seen.poll();
    assertThat(seen.deadlineNanos()).isPositive().isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(400));
  }

  @Test
  void clientEnforcesTheDeadlineWhenTheServerNeverAnswers() throws Exception {
    Path silentSocket = dir.resolve("silent.sock");
    try (SilentTtrpcServer silent = new SilentTtrpcServer(transport, silentSocket);
        TtrpcClient toSilent = TtrpcClient.connect(transport, silentSocket)) {
      long started = System.nanoTime();
      StatusRuntimeException e =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () -> EchoGrpc.newBlockingStub(toSilent).withDeadlineAfter(500, TimeUnit.MILLISECONDS).echo(text("x")));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
      assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(450));
      Request sent = silent.nextRequest(5);
      assertThat(sent.getService()).isEqualTo("capsa.test.Echo");
      assertThat(sent.getMethod()).isEqualTo("Echo");
      assertThat(sent.getTimeoutNano()).isPositive().isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
      // The connection stays usable: a late answer would be ignored, the next call gets the next id.
      assertThat(toSilent.isOpen()).isTrue();
    }
  }

  @Test
  void contextDeadlineAndCancellationApply() throws Exception {
    Context.CancellableContext withDeadline =
        Context.current().withDeadlineAfter(300, TimeUnit.MILLISECONDS, transport.eventLoopGroup().next());
    StatusRuntimeException deadline =
        catchThrowableOfType(StatusRuntimeException.class, () -> withDeadline.call(
            () -> EchoGrpc.newBlockingStub(client).sleep(EchoRequest.newBuilder().setSleepMillis(60_000).build())));
    assertThat(deadline.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    withDeadline.cancel(null);

    Context.CancellableContext cancellable = Context.current().withCancellation();
    ListenableFuture<EchoResponse> f =
        cancellable.call(() -> EchoGrpc.newFutureStub(client).sleep(
            EchoRequest.newBuilder().setText("to cancel").setSleepMillis(60_000).build()));
    awaitSleeping("to cancel");
    cancellable.cancel(new RuntimeException("caller gave up"));
    ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> f.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertThat(Status.fromThrowable(e.getCause()).getCode()).isEqualTo(Status.Code.CANCELLED);
  }

  private void awaitSleeping(String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (System.nanoTime() < deadline) {
      if (text.equals(echo.sleeping.poll(1, TimeUnit.SECONDS))) {
        return;
      }
    }
    throw new AssertionError(text + " never started sleeping");
  }

  @Test
  void metadataFromInterceptorsReachesTheServer() {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("containerd-namespace-ttrpc", Metadata.ASCII_STRING_MARSHALLER), "k8s.io");
    headers.put(Metadata.Key.of("x-multi", Metadata.ASCII_STRING_MARSHALLER), "a");
    headers.put(Metadata.Key.of("x-multi", Metadata.ASCII_STRING_MARSHALLER), "b");
    headers.put(Metadata.Key.of("x-trace-bin", Metadata.BINARY_BYTE_MARSHALLER), new byte[] {0, 1, (byte) 0xff});
    EchoResponse response =
        EchoGrpc.newBlockingStub(client)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .echo(text("md"));
    assertThat(response.getMetadataList())
        .contains("containerd-namespace-ttrpc=k8s.io", "x-multi=a", "x-multi=b", "x-trace-bin=AAH/");
  }

  @Test
  void remoteStatusBecomesStatusRuntimeException() {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> EchoGrpc.newBlockingStub(client).fail(EchoRequest.newBuilder().setFailure("status").build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(e.getStatus().getDescription()).isEqualTo("container not created: not found");
    assertThat(e.getTrailers().get(TtrpcClientCall.STATUS_DETAILS_KEY)).isNotEmpty();

    StatusRuntimeException thrown =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> EchoGrpc.newBlockingStub(client).fail(EchoRequest.newBuilder().setFailure("throw").build()));
    assertThat(thrown.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(thrown.getStatus().getDescription()).isEqualTo("boom");
  }

  @Test
  void streamingMethodsFailLocallyAsUnimplemented() {
    assertThatThrownBy(() -> EchoGrpc.newBlockingStub(client).watch(text("w")).hasNext())
        .isInstanceOf(StatusRuntimeException.class)
        .extracting(t -> ((StatusRuntimeException) t).getStatus().getCode())
        .isEqualTo(Status.Code.UNIMPLEMENTED);
  }

  @Test
  void oversizedMessagesAreResourceExhaustedAndTheConnectionSurvives() {
    ByteString tooBig = ByteString.copyFrom(new byte[TtrpcFrame.MAX_DATA_LENGTH]);
    StatusRuntimeException request =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> EchoGrpc.newBlockingStub(client).echo(EchoRequest.newBuilder().setBlob(tooBig).build()));
    assertThat(request.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

    ByteString half = ByteString.copyFrom(new byte[TtrpcFrame.MAX_DATA_LENGTH / 2 + 10]);
    StatusRuntimeException response =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> EchoGrpc.newBlockingStub(client).echo(EchoRequest.newBuilder().setText("double").setBlob(half).build()));
    assertThat(response.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(EchoGrpc.newBlockingStub(client).echo(text("after")).getText()).isEqualTo("after");
  }

  @Test
  void lostConnectionFailsPendingCallsUnavailableAndTellsTheOwner() throws Exception {
    Path silentSocket = dir.resolve("silent.sock");
    try (SilentTtrpcServer silent = new SilentTtrpcServer(transport, silentSocket)) {
      TtrpcClient toSilent = TtrpcClient.connect(transport, silentSocket);
      CompletableFuture<Void> told = new CompletableFuture<>();
      toSilent.onClose(() -> told.complete(null));
      ListenableFuture<EchoResponse> pending = EchoGrpc.newFutureStub(toSilent).echo(text("lost"));
      assertThat(silent.nextRequest((int) WAIT_SECONDS)).isNotNull();
      silent.dropConnections();
      ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> pending.get(WAIT_SECONDS, TimeUnit.SECONDS));
      assertThat(Status.fromThrowable(e.getCause()).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      told.get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(toSilent.isOpen()).isFalse();
      StatusRuntimeException after =
          catchThrowableOfType(StatusRuntimeException.class, () -> EchoGrpc.newBlockingStub(toSilent).echo(text("after")));
      assertThat(after.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }
  }

  @Test
  void unknownServiceIsUnimplemented() throws Exception {
    Path emptySocket = dir.resolve("empty.sock");
    try (TtrpcServer empty = TtrpcServer.builder(transport).build().bind(emptySocket);
        TtrpcClient c = TtrpcClient.connect(transport, emptySocket)) {
      StatusRuntimeException e =
          catchThrowableOfType(StatusRuntimeException.class, () -> EchoGrpc.newBlockingStub(c).echo(text("x")));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
      assertThat(e.getStatus().getDescription()).isEqualTo("service capsa.test.Echo");
    }
  }

  @Test
  void streamIdsAreOddAndIncreasing() throws Exception {
    Path silentSocket = dir.resolve("ids.sock");
    try (SilentTtrpcServer silent = new SilentTtrpcServer(transport, silentSocket);
        TtrpcClient c = TtrpcClient.connect(transport, silentSocket)) {
      List<ListenableFuture<EchoResponse>> calls = new ArrayList<>();
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        calls.add(EchoGrpc.newFutureStub(c).echo(text("id" + i)));
        ids.add(silent.nextFrame((int) WAIT_SECONDS).streamId());
      }
      assertThat(ids).containsExactly(1L, 3L, 5L, 7L);
      calls.forEach(f -> f.cancel(true));
    }
  }
}
