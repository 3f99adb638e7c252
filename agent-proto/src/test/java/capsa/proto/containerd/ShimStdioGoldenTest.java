package capsa.proto.containerd;

import static capsa.proto.GoldenBytes.parse;
import static org.assertj.core.api.Assertions.assertThat;

import capsa.proto.containerd.runtime.bootstrap.v1.BootstrapParams;
import capsa.proto.containerd.runtime.bootstrap.v1.BootstrapResult;
import capsa.proto.containerd.runtime.bootstrap.v1.LogLevel;
import capsa.proto.containerd.task.v2.DeleteResponse;
import capsa.proto.runtimeoptions.v1.Options;
import capsa.proto.util.AnyCodec;
import com.google.protobuf.Any;
import com.google.protobuf.Timestamp;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What crosses the shim binary's stdin/stdout: start options, bootstrap, delete's reply. */
class ShimStdioGoldenTest {

  /** 33 bytes, the length of the ConfigPath captured in dev-machine.md §4. */
  private static final String CONFIG_PATH = "/opt/capsa/etc/configuration.toml";

  @Test
  void startStdinOptionsMatchTheCapturedLayout() throws Exception {
    assertThat(CONFIG_PATH.getBytes(StandardCharsets.US_ASCII)).hasSize(33);
    byte[] expected = parse("0a 19 \"runtimeoptions.v1.Options\" 12 23 | 12 21 \"" + CONFIG_PATH + "\"");

    Any any = AnyCodec.pack(Options.newBuilder().setConfigPath(CONFIG_PATH).build());

    assertThat(any.toByteArray()).isEqualTo(expected);
    assertThat(AnyCodec.unpack(Any.parseFrom(expected), Options.getDefaultInstance()).getConfigPath())
        .isEqualTo(CONFIG_PATH);
  }

  @Test
  void bootstrapResultStartsWithVersionAndEndsWithProtocol() {
    // containerd 2.3.0 trims whitespace before decoding, so the first and last bytes matter.
    BootstrapResult result = BootstrapResult.newBuilder()
        .setVersion(3)
        .setAddress("unix:///run/containerd/s/ab")
        .setProtocol("ttrpc")
        .build();

    assertThat(result.toByteArray())
        .isEqualTo(parse("08 03 12 1b \"unix:///run/containerd/s/ab\" 1a 05 \"ttrpc\""))
        .startsWith((byte) 0x08)
        .endsWith("ttrpc".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void bootstrapParamsCarryNegativeAndUnknownLogLevels() throws Exception {
    // Negative enum values are 10-byte varints on the wire.
    BootstrapParams debug = BootstrapParams.newBuilder()
        .setInstanceId("c1").setLogLevel(LogLevel.LOG_LEVEL_DEBUG).build();
    assertThat(debug.toByteArray()).isEqualTo(parse("0a 02 \"c1\" 18 fcffffffffffffffff01"));

    // An open enum: a level we do not know (-2) survives decoding as its number.
    BootstrapParams unknown = BootstrapParams.parseFrom(parse("18 feffffffffffffffff01"));
    assertThat(unknown.getLogLevel()).isEqualTo(LogLevel.UNRECOGNIZED);
    assertThat(unknown.getLogLevelValue()).isEqualTo(-2);
    assertThat(unknown.hasSocketDir()).isFalse();
  }

  @Test
  void bootstrapParamsExtensionHoldsRuntimeOptions() throws Exception {
    BootstrapParams params = BootstrapParams.parseFrom(parse(
        "0a 02 \"c1\" 12 07 \"default\" 42 22 0a 20 0a 19 \"runtimeoptions.v1.Options\" 12 03 12 01 \"x\""
            + " 4a 03 \"/rs\""));

    assertThat(params.getNamespace()).isEqualTo("default");
    assertThat(AnyCodec.unpack(params.getExtensions(0).getValue(), Options.getDefaultInstance())
        .getConfigPath()).isEqualTo("x");
    assertThat(params.getSocketDir()).isEqualTo("/rs");
  }

  @Test
  void deleteResponseEncodesExitInfo() {
    // 1_700_000_000 s as a varint: 80 e2 cf aa 06; 137 as a varint: 89 01.
    DeleteResponse response = DeleteResponse.newBuilder()
        .setPid(42)
        .setExitStatus(137)
        .setExitedAt(Timestamp.newBuilder().setSeconds(1_700_000_000L).setNanos(5))
        .build();

    assertThat(response.toByteArray())
        .isEqualTo(parse("08 2a 10 8901 1a 08 08 80e2cfaa06 10 05"));
  }
}
