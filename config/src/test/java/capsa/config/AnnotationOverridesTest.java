package capsa.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnnotationOverridesTest {

    private static final Source FILE = new Source.File(Path.of("/etc/capsa/configuration.toml"));

    private static EffectiveConfig config(String enable) {
        return new ConfigParser().parse("""
                [hypervisor.qemu]
                enable_annotations = %s
                valid_hypervisor_paths = ["/usr/bin/qemu-system-*", "/opt/qemu/bin/*"]
                valid_guest_asset_paths = ["/opt/capsa/share/guest/*"]
                """.formatted(enable), FILE);
    }

    @Test
    void anEnabledAnnotationOverridesAndIsTheSource() {
        EffectiveConfig c = AnnotationOverrides.apply(config("[\"default_vcpus\", \"kernel_params\"]"), Map.of(
                "io.capsa.config.hypervisor.default_vcpus", "3",
                "io.capsa.config.hypervisor.kernel_params", "quiet"));
        assertThat(c.hypervisor().vcpus()).isEqualTo(3);
        assertThat(c.hypervisor().kernelParams()).containsExactly("quiet");
        assertThat(c.get(Section.HYPERVISOR_QEMU, "default_vcpus").source())
                .isEqualTo(new Source.Annotation("io.capsa.config.hypervisor.default_vcpus"));
    }

    @Test
    void kataNamesAreAliasesAndTheCapsaNameWins() {
        EffectiveConfig c = AnnotationOverrides.apply(config("[\"default_.*\"]"), Map.of(
                "io.katacontainers.config.hypervisor.default_max_vcpus", "8",
                "io.katacontainers.config.hypervisor.default_memory", "1024",
                "io.capsa.config.hypervisor.default_memory", "2048"));
        assertThat(c.hypervisor().maxVcpus()).isEqualTo(8);
        assertThat(c.hypervisor().memoryMib()).isEqualTo(2048);
    }

    @Test
    void anAnnotationNotInTheAllowListIsRefusedByName() {
        assertThatThrownBy(() -> AnnotationOverrides.apply(config("[\"kernel_params\"]"),
                Map.of("io.katacontainers.config.hypervisor.default_memory", "4096")))
                .isInstanceOfSatisfying(AnnotationRefusedException.class, e -> {
                    assertThat(e.annotation()).isEqualTo("io.katacontainers.config.hypervisor.default_memory");
                    assertThat(e.getMessage()).isEqualTo("annotation io.katacontainers.config.hypervisor."
                            + "default_memory refused: 'default_memory' is not in enable_annotations "
                            + "[kernel_params] of [hypervisor.qemu] (/etc/capsa/configuration.toml)");
                });
    }

    @Test
    void agentAndRuntimeKeysAreMatchedWithTheirSection() {
        EffectiveConfig c = AnnotationOverrides.apply(config("[\"agent\\\\..*\", \"runtime.internetworking_model\"]"),
                Map.of("io.capsa.config.agent.dial_timeout", "30",
                        "io.katacontainers.config.runtime.internetworking_model", "none"));
        assertThat(c.agent().dialTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.internetworkingModel()).isEqualTo(InternetworkingModel.NONE);
        assertThatThrownBy(() -> AnnotationOverrides.apply(config("[\"dial_timeout\"]"),
                Map.of("io.capsa.config.agent.dial_timeout", "30")))
                .isInstanceOf(AnnotationRefusedException.class).hasMessageContaining("'agent.dial_timeout'");
    }

    @Test
    void keysThatOnlyTheFileMaySetAreRefusedEvenWithEverythingEnabled() {
        assertThatThrownBy(() -> AnnotationOverrides.apply(config("[\".*\"]"),
                Map.of("io.capsa.config.hypervisor.enable_annotations", ".*")))
                .isInstanceOf(AnnotationRefusedException.class)
                .hasMessage("annotation io.capsa.config.hypervisor.enable_annotations refused: "
                        + "hypervisor.qemu.enable_annotations may only be set in the configuration file");
        assertThatThrownBy(() -> AnnotationOverrides.apply(config("[\".*\"]"),
                Map.of("io.capsa.config.runtime.run_root", "/tmp")))
                .isInstanceOf(AnnotationRefusedException.class);
    }

    @Test
    void aPathMustMatchItsValidPaths() {
        EffectiveConfig ok = AnnotationOverrides.apply(config("[\"path\", \"kernel\"]"), Map.of(
                "io.katacontainers.config.hypervisor.path", "/opt/qemu/bin/qemu-system-x86_64",
                "io.capsa.config.hypervisor.kernel", "/opt/capsa/share/guest/vmlinux-debug"));
        assertThat(ok.hypervisor().path()).isEqualTo(Path.of("/opt/qemu/bin/qemu-system-x86_64"));
        assertThat(ok.hypervisor().kernel()).contains(Path.of("/opt/capsa/share/guest/vmlinux-debug"));

        assertThatThrownBy(() -> AnnotationOverrides.apply(config("[\"path\"]"),
                Map.of("io.capsa.config.hypervisor.path", "/tmp/evil/qemu-system-x86_64")))
                .isInstanceOfSatisfying(AnnotationRefusedException.class, e -> assertThat(e.getMessage())
                        .isEqualTo("annotation io.capsa.config.hypervisor.path refused: path "
                                + "/tmp/evil/qemu-system-x86_64 does not match valid_hypervisor_paths "
                                + "[/usr/bin/qemu-system-*, /opt/qemu/bin/*]"));
        // A glob's * does not cross directories.
        assertThatThrownBy(() -> AnnotationOverrides.apply(config("[\"kernel\"]"),
                Map.of("io.capsa.config.hypervisor.kernel", "/opt/capsa/share/guest/../../../etc/shadow")))
                .isInstanceOf(AnnotationRefusedException.class);
    }

    @Test
    void badValuesAndUnknownCapsaKeysAreRefused() {
        assertThatThrownBy(() -> AnnotationOverrides.apply(config("[\".*\"]"),
                Map.of("io.capsa.config.hypervisor.default_vcpus", "lots")))
                .isInstanceOf(AnnotationRefusedException.class)
                .hasMessage("annotation io.capsa.config.hypervisor.default_vcpus refused: expected an integer, got "
                        + "'lots'");
        assertThatThrownBy(() -> AnnotationOverrides.apply(config("[\".*\"]"),
                Map.of("io.capsa.config.hypervisor.default_vcpu", "2")))
                .isInstanceOf(AnnotationRefusedException.class).hasMessageContaining("no such configuration key");
    }

    @Test
    void unimplementedKataAnnotationsAndUnrelatedOnesAreIgnored() {
        EffectiveConfig base = config("[]");
        EffectiveConfig c = AnnotationOverrides.apply(base, Map.of(
                "io.katacontainers.config.hypervisor.enable_iothreads", "true",
                "io.kubernetes.cri.container-type", "sandbox"));
        assertThat(c.values()).isEqualTo(base.values());
    }

    @Test
    void criSandboxAnnotationsSizeTheVm() {
        EffectiveConfig c = AnnotationOverrides.forPod(config("[]"), Map.of(
                PodSizing.CPU_QUOTA, "150000", PodSizing.CPU_PERIOD, "100000",
                PodSizing.MEMORY, String.valueOf(256L * 1024 * 1024 + 1)));
        assertThat(c.hypervisor().vcpus()).isEqualTo(1 + 2);
        assertThat(c.hypervisor().memoryMib()).isEqualTo(512 + 257);
        assertThat(c.get(Section.HYPERVISOR_QEMU, "default_memory").source())
                .isEqualTo(new Source.Annotation(PodSizing.MEMORY));
    }

    @Test
    void sizingIsOffWithoutStaticResourceManagementAndIgnoresNonsense() {
        EffectiveConfig off = new ConfigParser().parse("[runtime]\nstatic_sandbox_resource_mgmt = false\n", FILE);
        assertThat(AnnotationOverrides.forPod(off, Map.of(PodSizing.CPU_QUOTA, "200000", PodSizing.CPU_PERIOD,
                "100000")).hypervisor().vcpus()).isEqualTo(1);
        EffectiveConfig on = config("[]");
        assertThat(AnnotationOverrides.forPod(on, Map.of(PodSizing.CPU_QUOTA, "-1", PodSizing.CPU_PERIOD,
                "100000", PodSizing.MEMORY, "lots")).hypervisor()).isEqualTo(on.hypervisor());
    }
}
