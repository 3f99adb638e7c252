package capsa.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The containerd config text our fixtures write: golden strings, checked against reference §7's layout. */
class ContainerdConfigTest {

    @Test
    void aHandlerWithEverySettingRendersAsContainerd16ExpectsIt() {
        RuntimeHandler capsa = RuntimeHandler.capsa()
                .withRuntimePath(Path.of("/opt/capsa/bin/containerd-shim-capsa-v2"))
                .withConfigPath(Path.of("/etc/capsa/config.toml"));

        assertThat(capsa.toml()).isEqualTo("""
                  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.capsa]
                    runtime_type = "io.containerd.capsa.v2"
                    runtime_path = "/opt/capsa/bin/containerd-shim-capsa-v2"
                    pod_annotations = ["io.katacontainers.*"]
                    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.capsa.options]
                      ConfigPath = "/etc/capsa/config.toml"
                """);
    }

    @Test
    void theCriSectionKeepsRuncAsDefaultAndPointsCniIntoTheScratchDir() {
        String toml = ContainerdConfig.withCri(CriPlugin.runcOnly().withRuntime(RuntimeHandler.capsa()))
                .toml(Path.of("/tmp/capsa-1"));

        assertThat(toml).contains("""
                [plugins."io.containerd.grpc.v1.cri"]
                  sandbox_image = "registry.k8s.io/pause:3.6"
                  restrict_oom_score_adj = true
                  [plugins."io.containerd.grpc.v1.cri".cni]
                    bin_dir = "/usr/lib/cni"
                    conf_dir = "/tmp/capsa-1/cni/net.d"
                  [plugins."io.containerd.grpc.v1.cri".containerd]
                    default_runtime_name = "runc"
                  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
                    runtime_type = "io.containerd.runc.v2"
                  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.capsa]
                """).contains("address = \"/tmp/capsa-1/c.sock\"");
    }

    @Test
    void thePlainConfigIsTheOneTheInteropTestsAlwaysUsed() {
        assertThat(ContainerdConfig.plain().toml(Path.of("/tmp/x"))).isEqualTo("""
                version = 2
                root = "/tmp/x/root"
                state = "/tmp/x/state"
                [grpc]
                  address = "/tmp/x/c.sock"
                [ttrpc]
                  address = "/tmp/x/c.sock.ttrpc"
                [debug]
                  level = "debug"
                [plugins."io.containerd.grpc.v1.cri"]
                  restrict_oom_score_adj = true
                """);
    }

    @Test
    void rejectsWhatContainerdOrKubernetesWouldReject() {
        assertThatThrownBy(() -> RuntimeHandler.of("Capsa_1", "io.containerd.capsa.v2"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RuntimeHandler.capsa().withConfigPath(Path.of("relative.toml")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CriPlugin.runcOnly().withRuntime(RuntimeHandler.runc()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CniBridge("a-bridge-name-too-long", "10.88.0.0/24"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theBridgeConflistNamesItsBridgeAndSubnet() {
        CniBridge bridge = new CniBridge("capsa0", "10.88.7.0/24");

        assertThat(bridge.conflist()).contains("\"bridge\": \"capsa0\"", "\"subnet\": \"10.88.7.0/24\"",
                "\"type\": \"host-local\"", "\"type\": \"loopback\"");
        assertThat(bridge.fileName()).isEqualTo("10-capsa0.conflist");
    }
}
