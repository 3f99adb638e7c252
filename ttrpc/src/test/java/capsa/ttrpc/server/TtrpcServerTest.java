package capsa.ttrpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.proto.ttrpc.KeyValue;
import capsa.proto.ttrpc.Request;
import capsa.test.EchoRequest;
import capsa.test.EchoResponse;
import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.frame.TtrpcFrame;
import capsa.ttrpc.testing.RawTaskService;
import capsa.ttrpc.testing.RecordingEchoService;
import capsa.ttrpc.testing.ScriptedTtrpcPeer;
import capsa.ttrpc.testing.ScriptedTtrpcPeer.Reply;
import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server against a raw peer on a real Unix socket: wire behaviour, stream-id rules, errors. */
class TtrpcServerTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private Path socket;
  private TtrpcTransport transport;
  private TtrpcServer server;
  private final RecordingEchoService echo = new RecordingEchoService();
  private final BlockingQueue<Metadata> headersSeen = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws Exception {
    transport = TtrpcTransport.createDefault();
    socket = dir.resolve("ttrpc.sock");
    ServerInterceptor recordHeaders =
        new ServerInterceptor() {
          @Override
          public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
              ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
            headersSeen.add(headers);
            return next.startCall(call, headers);
          }
        };
    server =
        TtrpcServer.builder(transport)
            .addService(ServerInterceptors.intercept(echo, recordHeaders))
            .addService(RawTaskService.definition())
            .build()
            .bind(socket);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    assertThat(server.awaitTermination(WAIT)).isTrue();
    transport.close();
  }

  private static Request echoRequest(String method, EchoRequest payload) {
    return Request.newBuilder()
        .setService("capsa.test.Echo")
        .setMethod(method)
        .setPayload(payload.toByteString())
        .build();
  }

  private static Request echo(String text) {
    return echoRequest("Echo", EchoRequest.newBuilder().setText(text).build());
  }

  private ScriptedTtrpcPeer peer() throws Exception {
    return ScriptedTtrpcPeer.connect(transport, socket);
  }

  private static void assertEchoed(Reply reply, long streamId, String text) throws Exception {
    assertThat(reply.streamId()).isEqualTo(streamId);
    assertThat(reply.code()).isZero();
    assertThat(EchoResponse.parseFrom(reply.response().getPayload()).getText()).isEqualTo(text);
  }

  @Test
  void connectGoldenBytesGetTheGoldenResponse() throws Exception {
    try (ScriptedTtrpcPeer peer = peer()) {
      peer.sendRaw(
          HEX.parseHex(
              "0000004f000000010100"
                  + "0a17636f6e7461696e6572642e7461736b2e76322e5461736b"
                  + "1207436f6e6e656374"
                  + "1a040a026331"
                  + "2a250a1a636f6e7461696e6572642d6e616d6573706163652d7474727063120764656661756c74"));
      Reply ok = peer.nextResponse();
      // Go's server always sends status{} on success; so do we.
      assertThat(ok.frame()).isEqualTo(TtrpcFrame.response(1, ByteString.fromHex("0a00120608d20910ae2c")));

      Request missing =
          Request.newBuilder()
              .setService(RawTaskService.SERVICE)
              .setMethod("Connect")
              .setPayload(ByteString.fromHex("0a026332"))
              .build();
      peer.sendRequest(3, missing);
      Reply notFound = peer.nextResponse();
      assertThat(HEX.formatHex(notFound.frame().data().toByteArray()))
          .isEqualTo("0a24" + "0805" + "1220" + HEX.formatHex("container not created: not found".getBytes()));
    }
    assertThat(echo.seen).isEmpty();
  }

  @Test
  void evenStreamIdIsRejectedAndTheConnectionLivesOn() throws Exception {
    try (ScriptedTtrpcPeer peer = peer()) {
      peer.sendRequest(2, echo("even"));
      Reply reply = peer.nextResponse();
      assertThat(reply.streamId()).isEqualTo(2);
      assertThat(reply.code()).isEqualTo(3);
      assertThat(reply.message()).startsWith("StreamID must be odd");
      peer.sendRequest(3, echo("odd"));
      assertEchoed(peer.nextResponse(), 3, "odd");
    }
  }

  @Test
  void reusedOrDecreasingStreamIdIsRejected() throws Exception {
    try (ScriptedTtrpcPeer peer = peer()) {
      peer.sendRequest(5, echo("five"));
      assertEchoed(peer.nextResponse(), 5, "five");
      peer.sendRequest(5, echo("five again"));
      Reply reused = peer.nextResponse();
      assertThat(reused.code()).isEqualTo(3);
      assertThat(reused.message()).isEqualTo("StreamID cannot be re-used and must increment");
      peer.sendRequest(3, echo("three"));
      assertThat(peer.nextResponse().code()).isEqualTo(3);
      peer.sendRequest(7, echo("seven"));
      assertEchoed(peer.nextResponse(), 7, "seven");
    }
    assertThat(echo.seen).extracting(RecordingEchoService.Seen::text).containsExactly("five", "seven");
  }

  @Test
  void unknownServiceAndMethodAreUnimplemented() throws Exception {
    try (ScriptedTtrpcPeer peer = peer()) {
      peer.sendRequest(1, Request.newBuilder().setService("nope.Svc").setMethod("Echo").build());
      Reply service = peer.nextResponse();
      assertThat(service.code()).isEqualTo(12);
      assertThat(service.message()).isEqualTo("service nope.Svc");
      peer.sendRequest(3, Request.newBuilder().setService("capsa.test.Echo").setMethod("Nope").build());
      Reply method = peer.nextResponse();
      assertThat(method.code()).isEqualTo(12);
      assertThat(method.message()).isEqualTo("method Nope");
    }
  }

  @Test
  void undecodableRequestAndPayloadAreInvalidArgument() throws Exception {
    try (ScriptedTtrpcPeer peer = peer()) {
      peer.send(TtrpcFrame.request(1, ByteString.fromHex("ffffffff")));
      Reply badRequest = peer.nextResponse();
      assertThat(badRequest.code()).isEqualTo(3);
      assertThat(badRequest.message()).contains("ttrpc request");

      peer.sendRequest(
          3,
          Request.newBuilder()
              .setService("capsa.test.Echo")
              .setMethod("Echo")
              .setPayload(ByteString.fromHex("0aff01"))
              .build());
      Reply badPayload = peer.nextResponse();
      assertThat(badPayload.code()).isEqualTo(3);
      assertThat(badPayload.message()).contains("payload").contains("capsa.test.Echo/Echo");

      peer.sendRequest(5, echo("still fine"));
      assertEchoed(peer.nextResponse(), 5, "still fine");
    }
    assertThat(echo.seen).hasSize(1);
  }

  @Test
  void oversizedFrameIsAnsweredResourceExhaustedAndTheConnectionLivesOn() throws Exception {
    try (ScriptedTtrpcPeer peer = peer()) {
      int length = TtrpcFrame.MAX_DATA_LENGTH + 1;
      ByteBuffer frame = ByteBuffer.allocate(TtrpcFrame.HEADER_LENGTH + length);
      frame.putInt(length).putInt(1).put((byte) 1).put((byte) 0);
      peer.sendRaw(frame.array());
      Reply reply = peer.nextResponse();
      assertThat(reply.streamId()).isEqualTo(1);
      assertThat(reply.code()).isEqualTo(8);
      assertThat(reply.message()).contains(Integer.toString(length));
      peer.sendRequest(3, echo("after"));
      assertEchoed(peer.nextResponse(), 3, "after");
    }
  }

  @Test
  void unknownFrameTypesAreIgnored() throws Exception {
    try (ScriptedTtrpcPeer peer = peer()) {
      peer.send(new TtrpcFrame(1, 0x09, 0, ByteString.copyFromUtf8("whatever")));
      peer.sendRequest(3, echo("next"));
      assertEchoed(peer.nextResponse(), 3, "next");
      assertThat(peer.quietFor(Duration.ofMillis(200))).isTrue();
    }
  }

  @Test
  void streamingIsRefusedAndStrayDataHandled() throws Exception {
    try (ScriptedTtrpcPeer peer = peer()) {
      // A server-streaming method, as a Go client would open it (remote-closed request).
      peer.send(
          new TtrpcFrame(1, TtrpcFrame.TYPE_REQUEST, TtrpcFrame.FLAG_REMOTE_CLOSED,
              echoRequest("Watch", EchoRequest.getDefaultInstance()).toByteString()));
      Reply watch = peer.nextResponse();
      assertThat(watch.code()).isEqualTo(12);
      assertThat(watch.message()).contains("streaming");

      // A client stream opened on a unary method, then its data.
      peer.send(new TtrpcFrame(3, TtrpcFrame.TYPE_REQUEST, TtrpcFrame.FLAG_REMOTE_OPEN, echo("x").toByteString()));
      assertThat(peer.nextResponse().code()).isEqualTo(12);
      peer.send(new TtrpcFrame(3, TtrpcFrame.TYPE_DATA, 0, ByteString.copyFromUtf8("more")));
      peer.send(new TtrpcFrame(3, TtrpcFrame.TYPE_DATA,
          TtrpcFrame.FLAG_REMOTE_CLOSED | TtrpcFrame.FLAG_NO_DATA, ByteString.EMPTY));

      // Data on a stream that was never opened is a client error.
      peer.send(new TtrpcFrame(9, TtrpcFrame.TYPE_DATA, 0, ByteString.copyFromUtf8("stray")));
      Reply stray = peer.nextResponse();
      assertThat(stray.streamId()).isEqualTo(9);
      assertThat(stray.code()).isEqualTo(3);

      peer.sendRequest(11, echo("unary still works"));
      assertEchoed(peer.nextResponse(), 11, "unary still works");
    }
  }

  @Test
  void handlerFailuresMapToStatuses() throws Exception {
    try (ScriptedTtrpcPeer peer = peer()) {
      peer.sendRequest(1, echoRequest("Fail", EchoRequest.newBuilder().setFailure("status").build()));
      Reply status = peer.nextResponse();
      assertThat(status.code()).isEqualTo(5);
      assertThat(status.message()).isEqualTo("container not created: not found");
      assertThat(status.response().getPayload()).isEmpty();

      peer.sendRequest(3, echoRequest("Fail", EchoRequest.newBuilder().setFailure("throw").build()));
      Reply thrown = peer.nextResponse();
      assertThat(thrown.code()).isEqualTo(2);
      assertThat(thrown.message()).isEqualTo("boom");

      peer.sendRequest(5, echoRequest("Fail", EchoRequest.newBuilder().setFailure("observer").build()));
      Reply observer = peer.nextResponse();
      assertThat(observer.code()).isEqualTo(2);
      assertThat(observer.message()).isEqualTo("bad thing");
    }
  }

  @Test
  void timeoutBecomesTheHandlersDeadlineAndIsEnforced() throws Exception {
    try (ScriptedTtrpcPeer peer = peer()) {
      Request sleep =
          echoRequest("Sleep", EchoRequest.newBuilder().setText("slow").setSleepMillis(60_000).build())
              .toBuilder()
              .setTimeoutNano(TimeUnit.MILLISECONDS.toNanos(300))
              .build();
      peer.sendRequest(1, sleep);
      Reply reply = peer.nextResponse();
      assertThat(reply.code()).isEqualTo(4);
      assertThat(echo.cancelled.poll(30, TimeUnit.SECONDS)).isEqualTo("slow");
      RecordingEchoService.Seen seen = echo.seen.poll(1, TimeUnit.SECONDS);
      assertThat(seen.deadlineNanos()).isPositive().isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
      // The late response from the handler is dropped: exactly one response per stream.
      assertThat(peer.quietFor(Duration.ofMillis(300))).isTrue();
    }
  }

  @Test
  void slowCallsDoNotBlockFastOnesAndAnswersMayOvertake() throws Exception {
    try (ScriptedTtrpcPeer peer = peer()) {
      peer.sendRequest(1, echoRequest("Sleep", EchoRequest.newBuilder().setText("slow").setSleepMillis(60_000).build()));
      assertThat(echo.sleeping.poll(30, TimeUnit.SECONDS)).isEqualTo("slow");
      peer.sendRequest(3, echo("fast"));
      assertEchoed(peer.nextResponse(), 3, "fast");
    }
    // Closing the connection cancels the sleeper.
    assertThat(echo.cancelled.poll(30, TimeUnit.SECONDS)).isEqualTo("slow");
  }

  @Test
  void metadataReachesTheHandlerLowerCasedAndMultiValued() throws Exception {
    try (ScriptedTtrpcPeer peer = peer()) {
      Request request =
          echo("md").toBuilder()
              .addMetadata(KeyValue.newBuilder().setKey("Containerd-Namespace-Ttrpc").setValue("k8s.io"))
              .addMetadata(KeyValue.newBuilder().setKey("x-multi").setValue("1"))
              .addMetadata(KeyValue.newBuilder().setKey("x-multi").setValue("2"))
              .build();
      peer.sendRequest(1, request);
      EchoResponse response = EchoResponse.parseFrom(peer.nextResponse().response().getPayload());
      assertThat(response.getMetadataList())
          .containsExactly("containerd-namespace-ttrpc=k8s.io", "x-multi=1", "x-multi=2");
    }
    Metadata headers = headersSeen.poll(1, TimeUnit.SECONDS);
    assertThat(headers.getAll(Metadata.Key.of("x-multi", Metadata.ASCII_STRING_MARSHALLER)))
        .containsExactly("1", "2");
    assertThat(headers.get(Metadata.Key.of("containerd-namespace-ttrpc", Metadata.ASCII_STRING_MARSHALLER)))
        .isEqualTo("k8s.io");
  }

  @Test
  void oddButValidRequestFieldsAreServed() throws Exception {
    try (ScriptedTtrpcPeer peer = peer()) {
      Request request =
          echo("edge").toBuilder()
              .setTimeoutNano(Long.MAX_VALUE)
              .addMetadata(KeyValue.newBuilder().setKey(":authority").setValue("x"))
              .addMetadata(KeyValue.newBuilder().setKey("").setValue("empty key"))
              .addMetadata(KeyValue.newBuilder().setKey("ünïcode").setValue("välue"))
              .addMetadata(KeyValue.newBuilder().setKey("x-bin").setValue("%%%"))
              .build();
      peer.sendRequest(1, request);
      EchoResponse response = EchoResponse.parseFrom(peer.nextResponse().response().getPayload());
      assertThat(response.getText()).isEqualTo("edge");
      assertThat(response.getDeadlineNanos()).isPositive();
      assertThat(response.getMetadataList()).contains(":authority=x", "=empty key", "ünïcode=välue", "x-bin=%%%");
      peer.sendRequest(3, echo("negative").toBuilder().setTimeoutNano(-5).build());
      assertThat(EchoResponse.parseFrom(peer.nextResponse().response().getPayload()).getDeadlineNanos())
          .isEqualTo(-1);
    }
  }

  @Test
  void peerThatDisconnectsMidCallLeavesTheServerServing() throws Exception {
    ScriptedTtrpcPeer first = peer();
    first.sendRequest(1, echoRequest("Sleep", EchoRequest.newBuilder().setText("abandoned").setSleepMillis(60_000).build()));
    assertThat(echo.sleeping.poll(30, TimeUnit.SECONDS)).isEqualTo("abandoned");
    first.close();
    assertThat(echo.cancelled.poll(30, TimeUnit.SECONDS)).isEqualTo("abandoned");
    try (ScriptedTtrpcPeer second = peer()) {
      second.sendRequest(1, echo("next connection"));
      assertEchoed(second.nextResponse(), 1, "next connection");
    }
  }

  @Test
  void socketIsPrivateAndRemovedOnClose() throws Exception {
    assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(server.sockets()).containsExactly(socket);
    server.close();
    assertThat(server.awaitTermination(WAIT)).isTrue();
    assertThat(socket).doesNotExist();
  }

  @Test
  void closeClosesConnections() throws Exception {
    ScriptedTtrpcPeer peer = peer();
    peer.sendRequest(1, echo("before close"));
    assertEchoed(peer.nextResponse(), 1, "before close");
    server.close();
    assertThat(peer.awaitClosed(WAIT)).isTrue();
    assertThat(server.awaitTermination(WAIT)).isTrue();
  }

  @Test
  void peerWithAnotherUidIsDisconnectedUnanswered() throws Exception {
    Path other = dir.resolve("strict.sock");
    int ourUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    try (TtrpcServer strict =
        TtrpcServer.builder(transport).addService(echo).peerCheck(PeerCheck.uid(ourUid + 1)).build().bind(other)) {
      ScriptedTtrpcPeer peer = ScriptedTtrpcPeer.connect(transport, other);
      // The server may already have hung up, so the write itself may fail; only the outcome matters.
      var unused = peer.channel().writeAndFlush(TtrpcFrame.request(1, echo("rejected").toByteString()));
      assertThat(peer.awaitClosed(WAIT)).isTrue();
      assertThat(peer.quietFor(Duration.ofMillis(100))).isTrue();
    }
    assertThat(echo.seen).isEmpty();
  }
}
