package capsa.shim.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import capsa.proto.containerd.runtime.bootstrap.v1.BootstrapParams;
import capsa.proto.containerd.runtime.bootstrap.v1.Extension;
import capsa.proto.runtimeoptions.v1.Options;
import capsa.proto.util.AnyCodec;
import com.google.protobuf.Any;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class StartStdinTest {

    private static final Any OPTIONS = AnyCodec.pack(Options.newBuilder().setConfigPath("/etc/capsa.toml").build());

    @Test
    void emptyStdinIsLegacyWithoutOptions() {
        assertThat(StartStdin.decode(new byte[0], "c1", "default")).isEqualTo(new StartStdin.Legacy(java.util.Optional.empty()));
    }

    @Test
    void capturedContainerd16OptionsAreALegacyAny() {
        // dev-machine.md §4: 0a 19 "runtimeoptions.v1.Options" 12 <len> | 12 <len> "<ConfigPath>"
        String path = "/tmp/capsa-12345/capture/conf.toml"; // any path; the capture had 33 bytes
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x0a);
        b.write(0x19);
        b.writeBytes("runtimeoptions.v1.Options".getBytes(StandardCharsets.US_ASCII));
        b.write(0x12);
        b.write(path.length() + 2);
        b.write(0x12);
        b.write(path.length());
        b.writeBytes(path.getBytes(StandardCharsets.US_ASCII));

        StartStdin in = StartStdin.decode(b.toByteArray(), "c1", "default");

        assertThat(in).isInstanceOf(StartStdin.Legacy.class);
        assertThat(in.runtimeOptions()).hasValueSatisfying(a -> {
            assertThat(a.getTypeUrl()).isEqualTo("runtimeoptions.v1.Options");
            assertThat(a.getValue().toStringUtf8()).endsWith(path);
        });
    }

    @Test
    void bootstrapParamsForThisTaskAreBootstrap() {
        BootstrapParams params = BootstrapParams.newBuilder()
                .setInstanceId("c1")
                .setNamespace("default")
                .setContainerdTtrpcAddress("/run/containerd/containerd.sock.ttrpc")
                .addExtensions(Extension.newBuilder().setValue(OPTIONS))
                .setSocketDir("/run/x/s")
                .build();

        StartStdin in = StartStdin.decode(params.toByteArray(), "c1", "default");

        assertThat(in).isInstanceOf(StartStdin.Bootstrap.class);
        assertThat(in.runtimeOptions()).contains(OPTIONS);
        assertThat(((StartStdin.Bootstrap) in).socketDir()).contains("/run/x/s");
    }

    @Test
    void bootstrapParamsForAnotherIdOrNamespaceAreReadAsALegacyAny() {
        // The smolvm#889 ambiguity seen from the other side: instance_id (field 1) parses as an Any type URL.
        byte[] params = BootstrapParams.newBuilder().setInstanceId("c1").setNamespace("default").build().toByteArray();

        assertThat(StartStdin.decode(params, "c2", "default")).isInstanceOf(StartStdin.Legacy.class);
        assertThat(StartStdin.decode(params, "c1", "other")).isInstanceOf(StartStdin.Legacy.class);
    }

    @Test
    void legacyAnyIsNotMistakenForBootstrap() {
        // An Any's type URL lands in instance_id and its value in namespace: they never equal -id and -namespace.
        assertThat(StartStdin.decode(OPTIONS.toByteArray(), "c1", "default")).isInstanceOf(StartStdin.Legacy.class);
    }

    @Test
    void garbageIsAnError() {
        assertThatThrownBy(() -> StartStdin.decode(new byte[] {(byte) 0xff, (byte) 0xff}, "c1", "default"))
                .isInstanceOf(ShimCommandException.class);
    }

    @Test
    void replyIsThePlainAddressForLegacyAndGoldenBootstrapResultOtherwise() {
        ShimSocketAddress address = new ShimSocketAddress(Path.of("/run/containerd/s/ab"));

        byte[] plain = StartCommand.reply(new StartStdin.Legacy(java.util.Optional.empty()), address);
        byte[] proto = StartCommand.reply(new StartStdin.Bootstrap(BootstrapParams.getDefaultInstance()), address);

        assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo("unix:///run/containerd/s/ab");
        // version=2, address, protocol="ttrpc": starts with 0x08 and ends with "ttrpc" (no whitespace to trim).
        assertThat(HexFormat.of().formatHex(proto)).isEqualTo("0802"
                + "121b" + HexFormat.of().formatHex("unix:///run/containerd/s/ab".getBytes(StandardCharsets.US_ASCII))
                + "1a05" + HexFormat.of().formatHex("ttrpc".getBytes(StandardCharsets.US_ASCII)));
    }
}
