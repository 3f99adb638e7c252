package capsa.shim.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShimFlagsParserTest {

    private static ShimFlags parse(String line) {
        return ShimFlagsParser.parse(List.of(line.split(" ")));
    }

    @Test
    void startAsContainerd16PassesIt() {
        // dev-machine.md §4, verbatim shape (ctr, info level).
        ShimFlags f = parse("-namespace default -address /tmp/w/containerd.sock -publish-binary /usr/bin/containerd"
                + " -id cap1 start");
        assertThat(f.action()).isEqualTo(ShimAction.START);
        assertThat(f.namespace()).isEqualTo("default");
        assertThat(f.address()).isEqualTo("/tmp/w/containerd.sock");
        assertThat(f.publishBinary()).isEqualTo("/usr/bin/containerd");
        assertThat(f.id()).isEqualTo("cap1");
        assertThat(f.debug()).isFalse();
        assertThat(f.bundle()).isEmpty();
    }

    @Test
    void debugComesBetweenIdAndAction() {
        ShimFlags f = parse("-namespace k8s.io -address /run/containerd/containerd.sock -publish-binary"
                + " /usr/bin/containerd -id 74f4b6d3db -debug start");
        assertThat(f.action()).isEqualTo(ShimAction.START);
        assertThat(f.debug()).isTrue();
        assertThat(f.id()).isEqualTo("74f4b6d3db");
        assertThat(f.namespace()).isEqualTo("k8s.io");
    }

    @Test
    void deleteCarriesTheBundle() {
        ShimFlags f = parse("-namespace default -address /tmp/w/containerd.sock -publish-binary /usr/bin/containerd"
                + " -id cap2 -bundle /tmp/w/state/io.containerd.runtime.v2.task/default/cap2 delete");
        assertThat(f.action()).isEqualTo(ShimAction.DELETE);
        assertThat(f.bundle()).contains(Path.of("/tmp/w/state/io.containerd.runtime.v2.task/default/cap2"));
    }

    @Test
    void deleteOf17AddsDebugBeforeTheAction() {
        ShimFlags f = parse("-namespace default -address /a -publish-binary /c -id x -bundle /b -debug delete");
        assertThat(f.action()).isEqualTo(ShimAction.DELETE);
        assertThat(f.debug()).isTrue();
    }

    @Test
    void doubleDashAndEqualsFormsAreTheSameFlags() {
        ShimFlags f = parse("--namespace=ns1 --id c1 -address=/x.sock --debug=false start");
        assertThat(f.namespace()).isEqualTo("ns1");
        assertThat(f.id()).isEqualTo("c1");
        assertThat(f.address()).isEqualTo("/x.sock");
        assertThat(f.debug()).isFalse();
    }

    @Test
    void unknownFlagsAreSkippedWithTheirValues() {
        ShimFlags f = parse("-namespace ns -future-flag value -other=1 -flagonly -id c1 start");
        assertThat(f.namespace()).isEqualTo("ns");
        assertThat(f.id()).isEqualTo("c1");
        assertThat(f.action()).isEqualTo(ShimAction.START);
    }

    @Test
    void unknownBooleanFlagBeforeTheActionDoesNotEatIt() {
        assertThat(parse("-namespace ns -id c1 -newbool start").action()).isEqualTo(ShimAction.START);
    }

    @Test
    void runcInternalSocketFlagsAreAccepted() {
        ShimFlags f = parse("-namespace ns -id c1 -socket /run/s.sock -debug-socket /run/d.sock start");
        assertThat(f.socket()).contains(Path.of("/run/s.sock"));
    }

    @Test
    void versionAndInfoNeedNoAction() {
        assertThat(parse("-v").action()).isEqualTo(ShimAction.VERSION);
        assertThat(parse("-version").action()).isEqualTo(ShimAction.VERSION);
        assertThat(parse("--version").action()).isEqualTo(ShimAction.VERSION);
        assertThat(parse("-info").action()).isEqualTo(ShimAction.INFO);
    }

    @Test
    void defaultAddressIsContainerdsSocket() {
        assertThat(parse("-namespace ns -id c1 start").address()).isEqualTo("/run/containerd/containerd.sock");
    }

    @Test
    void missingActionOrValueIsAnError() {
        assertThatThrownBy(() -> parse("-namespace ns -id c1")).isInstanceOf(ShimCommandException.class)
                .hasMessageContaining("missing action");
        assertThatThrownBy(() -> parse("start -id")).isInstanceOf(ShimCommandException.class)
                .hasMessageContaining("-id");
        assertThatThrownBy(() -> parse("-id c1 frobnicate")).isInstanceOf(ShimCommandException.class)
                .hasMessageContaining("frobnicate");
    }

    @Test
    void daemonSpecRoundTripsThroughTheServeCommandLine() {
        com.google.protobuf.Any options = com.google.protobuf.Any.newBuilder()
                .setTypeUrl("runtimeoptions.v1.Options")
                .setValue(com.google.protobuf.ByteString.copyFromUtf8("\u0012\u0003/x"))
                .build();
        DaemonSpec spec = new DaemonSpec("k8s.io", "pod-1", "/run/c.sock", "/run/c.sock.ttrpc",
                Path.of("/run/containerd/s/abc"), Path.of("/run/b"), true, java.util.Optional.of(options));

        DaemonSpec back = DaemonSpec.fromFlags(ShimFlagsParser.parse(spec.toArgs()));

        assertThat(back).isEqualTo(spec);
        assertThat(spec.toArgs()).last().isEqualTo("serve");
    }
}
