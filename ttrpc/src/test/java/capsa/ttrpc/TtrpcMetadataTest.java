package capsa.ttrpc;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.proto.ttrpc.KeyValue;
import io.grpc.Metadata;
import java.util.List;
import org.junit.jupiter.api.Test;

class TtrpcMetadataTest {

  private static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(v).build();
  }

  @Test
  void keysAreLowerCasedAndValuesGrouped() {
    TtrpcMetadata md = TtrpcMetadata.fromKeyValues(List.of(kv("A-Key", "1"), kv("a-key", "2"), kv("b", "3")));
    assertThat(md.getAll("A-KEY")).containsExactly("1", "2");
    assertThat(md.get("b")).contains("3");
    assertThat(md.get("missing")).isEmpty();
    assertThat(md.toKeyValues()).containsExactly(kv("a-key", "1"), kv("a-key", "2"), kv("b", "3"));
  }

  @Test
  void grpcHeadersRoundTripIncludingBinaryValues() {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("x-bin", Metadata.BINARY_BYTE_MARSHALLER), new byte[] {1, 2, (byte) 200});
    headers.put(Metadata.Key.of("ns", Metadata.ASCII_STRING_MARSHALLER), "k8s.io");
    TtrpcMetadata md = TtrpcMetadata.fromGrpc(headers);
    assertThat(md.get("x-bin")).contains("AQLI");
    Metadata back = md.toGrpc();
    assertThat(back.get(Metadata.Key.of("x-bin", Metadata.BINARY_BYTE_MARSHALLER))).containsExactly(1, 2, 200);
    assertThat(back.get(Metadata.Key.of("ns", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("k8s.io");
  }

  @Test
  void keysGrpcCannotCarryStayInTtrpcMetadataOnly() {
    TtrpcMetadata md = TtrpcMetadata.fromKeyValues(List.of(kv("has space", "v"), kv("raw-bin", "not base64!")));
    assertThat(md.get("has space")).contains("v");
    Metadata headers = md.toGrpc();
    assertThat(headers.keys()).containsExactly("raw-bin");
    assertThat(new String(headers.get(Metadata.Key.of("raw-bin", Metadata.BINARY_BYTE_MARSHALLER))))
        .isEqualTo("not base64!");
  }

  @Test
  void currentIsEmptyOutsideACall() {
    assertThat(TtrpcMetadata.current().isEmpty()).isTrue();
  }
}
