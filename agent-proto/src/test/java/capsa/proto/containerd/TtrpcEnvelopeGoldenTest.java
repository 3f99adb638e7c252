package capsa.proto.containerd;

import static capsa.proto.GoldenBytes.concat;
import static capsa.proto.GoldenBytes.parse;
import static capsa.proto.GoldenBytes.ttrpcHeader;
import static org.assertj.core.api.Assertions.assertThat;

import capsa.proto.containerd.task.v2.ConnectRequest;
import capsa.proto.containerd.task.v2.ConnectResponse;
import capsa.proto.containerd.task.v2.TaskGrpc;
import capsa.proto.rpc.Status;
import capsa.proto.ttrpc.KeyValue;
import capsa.proto.ttrpc.Request;
import capsa.proto.ttrpc.Response;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The ttrpc test vectors of containerd-shim-v2.md §4.2, rebuilt from our generated classes. */
class TtrpcEnvelopeGoldenTest {

  private static final int REQUEST = 0x01;
  private static final int RESPONSE = 0x02;

  @Test
  void connectRequestFrameMatchesTheReferenceVector() {
    Request request = Request.newBuilder()
        .setService(TaskGrpc.SERVICE_NAME)
        .setMethod("Connect")
        .setPayload(ConnectRequest.newBuilder().setId("c1").build().toByteString())
        .addMetadata(KeyValue.newBuilder()
            .setKey("containerd-namespace-ttrpc").setValue("default"))
        .build();
    byte[] body = request.toByteArray();

    assertThat(body).isEqualTo(parse("0a17 \"containerd.task.v2.Task\" 1207 \"Connect\" 1a04 0a02 \"c1\""
        + " 2a25 0a1a \"containerd-namespace-ttrpc\" 1207 \"default\""));
    assertThat(concat(ttrpcHeader(body.length, 1, REQUEST, 0), body)).isEqualTo(HexFormat.of().parseHex(
        "0000004f000000010100"
            + "0a17636f6e7461696e6572642e7461736b2e76322e5461736b"
            + "1207436f6e6e656374"
            + "1a040a026331"
            + "2a250a1a636f6e7461696e6572642d6e616d6573706163652d7474727063120764656661756c74"));
  }

  @Test
  void connectResponseFrameMatchesTheReferenceVector() {
    ConnectResponse connect = ConnectResponse.newBuilder().setShimPid(1234).setTaskPid(5678).build();
    assertThat(connect.toByteArray()).isEqualTo(parse("08d209 10ae2c"));

    // Go's server always sends an empty status on success: 0a 00.
    Response response = Response.newBuilder()
        .setStatus(Status.getDefaultInstance())
        .setPayload(connect.toByteString())
        .build();
    byte[] body = response.toByteArray();
    assertThat(body).isEqualTo(parse("0a00 1206 08d209 10ae2c"));
    assertThat(concat(ttrpcHeader(body.length, 1, RESPONSE, 0), body))
        .isEqualTo(parse("0000000a 00000001 02 00 0a00 1206 08d209 10ae2c"));
  }

  @Test
  void notFoundErrorResponseMatchesTheReferenceVector() {
    Response response = Response.newBuilder()
        .setStatus(Status.newBuilder().setCode(5).setMessage("container not created: not found"))
        .build();
    byte[] body = response.toByteArray();

    assertThat(concat(ttrpcHeader(body.length, 3, RESPONSE, 0), body))
        .isEqualTo(parse("00000026 00000003 02 00 0a24 0805 1220 \"container not created: not found\""));
  }

  @Test
  void connectRequestDecodesBackFromTheVector() throws Exception {
    Request request = Request.parseFrom(parse("0a17 \"containerd.task.v2.Task\" 1207 \"Connect\""
        + " 1a04 0a02 \"c1\" 2a25 0a1a \"containerd-namespace-ttrpc\" 1207 \"default\""));

    assertThat(request.getService()).isEqualTo("containerd.task.v2.Task");
    assertThat(ConnectRequest.parseFrom(request.getPayload()).getId()).isEqualTo("c1");
    assertThat(request.getMetadata(0).getValue()).isEqualTo("default");
    assertThat(request.getTimeoutNano()).isZero();
  }
}
