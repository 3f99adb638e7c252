package capsa.ttrpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class StatusMapperTest {

  @Test
  void protocolFailuresMapByType() {
    assertThat(code(new TtrpcException.InvalidStreamId("x"))).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(code(new TtrpcException.MalformedRequest("x", null))).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(code(new TtrpcException.MalformedPayload("x", null))).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(code(new TtrpcException.OversizedMessage("x"))).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(code(new TtrpcException.ServerBusy("x", null))).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(code(new TtrpcException.UnknownService("s"))).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(code(new TtrpcException.UnknownMethod("m"))).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(code(new TtrpcException.StreamingNotSupported("x"))).isEqualTo(Status.Code.UNIMPLEMENTED);
  }

  @Test
  void otherExceptionsKeepTheirMessage() {
    Status status = StatusMapper.toStatus(new CompletionException(new IllegalStateException("boom")));
    assertThat(status.getCode()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(status.getDescription()).isEqualTo("boom");
    assertThat(code(new TimeoutException())).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(code(new CancellationException())).isEqualTo(Status.Code.CANCELLED);
    assertThat(StatusMapper.toStatus(Status.NOT_FOUND.withDescription("nf").asRuntimeException()))
        .extracting(Status::getCode, Status::getDescription)
        .containsExactly(Status.Code.NOT_FOUND, "nf");
  }

  @Test
  void wireFormRoundTripsAndFallsBackToTheCause() {
    capsa.proto.rpc.Status proto = StatusMapper.toProto(Status.ALREADY_EXISTS.withDescription("exec id"));
    assertThat(proto.getCode()).isEqualTo(6);
    assertThat(StatusMapper.fromProto(proto).getDescription()).isEqualTo("exec id");
    assertThat(StatusMapper.toProto(Status.UNKNOWN.withCause(new RuntimeException("why"))).getMessage())
        .isEqualTo("why");
    assertThat(StatusMapper.toProto(Status.OK)).isEqualTo(capsa.proto.rpc.Status.getDefaultInstance());
    assertThat(StatusMapper.fromProto(capsa.proto.rpc.Status.newBuilder().setCode(99).build()).getCode())
        .isEqualTo(Status.Code.UNKNOWN);
  }

  private static Status.Code code(Throwable t) {
    return StatusMapper.toStatus(t).getCode();
  }
}
