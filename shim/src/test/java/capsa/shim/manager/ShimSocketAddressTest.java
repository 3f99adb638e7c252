package capsa.shim.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ShimSocketAddressTest {

    @Test
    void matchesTheReferenceVector() {
        ShimSocketAddress address = ShimSocketAddress.of("/run/containerd/containerd.sock", "default", "c1");

        assertThat(address.uri()).isEqualTo(
                "unix:///run/containerd/s/d25aa4ef11a84e954e74a5bcff06557d0b6ea8d0c00243896f29826694bbd888");
        assertThat(address.socketPath().toString()).hasSize(82);
    }

    @Test
    void cleansTheHashInputLikeGoFilepathJoin() {
        assertThat(ShimSocketAddress.hashInput("/run/containerd/containerd.sock/", "default", "c1"))
                .isEqualTo("/run/containerd/containerd.sock/default/c1");
        assertThat(ShimSocketAddress.hashInput("/run//containerd/./x/../containerd.sock", "default", "c1"))
                .isEqualTo("/run/containerd/containerd.sock/default/c1");
        assertThat(ShimSocketAddress.of("/run//containerd/containerd.sock/", "default", "c1"))
                .isEqualTo(ShimSocketAddress.of("/run/containerd/containerd.sock", "default", "c1"));
    }

    @Test
    void differentNamespaceOrIdGivesADifferentSocket() {
        ShimSocketAddress base = ShimSocketAddress.of("/run/containerd/containerd.sock", "default", "c1");

        assertThat(ShimSocketAddress.of("/run/containerd/containerd.sock", "k8s.io", "c1")).isNotEqualTo(base);
        assertThat(ShimSocketAddress.of("/run/containerd/containerd.sock", "default", "c2")).isNotEqualTo(base);
    }

    @Test
    void honoursAnotherSocketDir() {
        ShimSocketAddress address =
                ShimSocketAddress.of(Path.of("/tmp/s"), "/run/containerd/containerd.sock", "default", "c1");

        assertThat(address.socketPath()).isEqualTo(
                Path.of("/tmp/s/d25aa4ef11a84e954e74a5bcff06557d0b6ea8d0c00243896f29826694bbd888"));
    }

    @Test
    void parsesWhatStartPrints() {
        ShimSocketAddress parsed = ShimSocketAddress.parse(
                " unix:///run/containerd/s/d25aa4ef11a84e954e74a5bcff06557d0b6ea8d0c00243896f29826694bbd888\n");

        assertThat(parsed).isEqualTo(ShimSocketAddress.of("/run/containerd/containerd.sock", "default", "c1"));
        assertThatThrownBy(() -> ShimSocketAddress.parse("/run/containerd/s/abc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unix://");
    }

    @Test
    void rejectsPathsTooLongForAUnixSocket() {
        Path longDir = Path.of("/tmp/" + "d".repeat(40));

        assertThatThrownBy(() -> ShimSocketAddress.of(longDir, "/a", "ns", "id"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("106-byte limit");
    }
}
