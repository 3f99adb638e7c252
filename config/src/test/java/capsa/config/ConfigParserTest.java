package capsa.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigParserTest {

    private static final Source FILE = new Source.File(Path.of("/etc/capsa/configuration.toml"));
    private final ConfigParser parser = new ConfigParser();

    @Test
    void aGoodFileSetsTypedValuesAndKeepsDefaultsForTheRest() {
        EffectiveConfig c = parser.parse("""
                [hypervisor.qemu]
                path = "/opt/qemu/bin/qemu-system-x86_64"
                kernel = "/opt/capsa/share/guest/vmlinux"
                initrd = "/opt/capsa/share/guest/initramfs.cpio.gz"
                machine_type = "q35"
                default_vcpus = 2
                default_maxvcpus = 4
                default_memory = 1024
                shared_fs = "virtio-fs"
                virtio_fs_daemon = "/usr/lib/qemu/virtiofsd"
                cold_plug_vfio = "root-port"
                pcie_root_port = 2
                kernel_params = "quiet  panic=1"
                enable_annotations = ["default_vcpus", "kernel_params"]

                [agent]
                channel = "vsock"
                dial_timeout = 45

                [runtime]
                internetworking_model = "none"
                enable_debug = true
                """, FILE);

        HypervisorSettings h = c.hypervisor();
        assertThat(h.kind()).isEqualTo(HypervisorKind.QEMU);
        assertThat(h.path()).isEqualTo(Path.of("/opt/qemu/bin/qemu-system-x86_64"));
        assertThat(h.kernel()).contains(Path.of("/opt/capsa/share/guest/vmlinux"));
        assertThat(h.image()).isEmpty();
        assertThat(h.machine()).isEqualTo(MachineKind.Q35);
        assertThat(h.vcpus()).isEqualTo(2);
        assertThat(h.maxVcpus()).isEqualTo(4);
        assertThat(h.memoryMib()).isEqualTo(1024);
        assertThat(h.maxMemoryMib()).isEqualTo(1024);
        assertThat(h.sharedFs()).isEqualTo(SharedFsKind.VIRTIO_FS);
        assertThat(h.coldPlugVfio()).isEqualTo(VfioPort.ROOT_PORT);
        assertThat(h.hotPlugVfio()).isEqualTo(VfioPort.NO_PORT);
        assertThat(h.vfioEnabled()).isTrue();
        assertThat(h.pcieRootPorts()).isEqualTo(2);
        assertThat(h.kernelParams()).containsExactly("quiet", "panic=1");
        assertThat(c.enableAnnotations()).containsExactly("default_vcpus", "kernel_params");
        assertThat(c.agent()).isEqualTo(new AgentSettings(AgentChannel.VSOCK, Duration.ofSeconds(45), false));
        assertThat(c.runtime().internetworkingModel()).isEqualTo(InternetworkingModel.NONE);
        assertThat(c.runtime().debug()).isTrue();
        assertThat(c.runtime().runRoot()).isEqualTo(Path.of(ConfigKeys.RUN_ROOT));
        assertThat(c.get(Section.HYPERVISOR_QEMU, "default_vcpus").source()).isEqualTo(FILE);
        assertThat(c.get(Section.HYPERVISOR_QEMU, "pcie_switch_port").source()).isEqualTo(new Source.Default());
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void anEmptyFileIsTheDefaults() {
        EffectiveConfig c = parser.parse("", FILE);
        assertThat(c.hypervisor()).isEqualTo(EffectiveConfig.defaults().hypervisor());
        assertThat(c.hypervisor().vcpus()).isEqualTo(1);
        assertThat(c.hypervisor().memoryMib()).isEqualTo(512);
        assertThat(c.hypervisor().machine()).isEqualTo(MachineKind.MICROVM);
        assertThat(c.hypervisor().sharedFs()).isEqualTo(SharedFsKind.VIRTIO_9P);
        assertThat(c.agent().channel()).isEqualTo(AgentChannel.VIRTIO_SERIAL);
        assertThat(c.internetworkingModel()).isEqualTo(InternetworkingModel.TCFILTER);
    }

    @Test
    void theClhTableIsUsedWhenTheRuntimeSaysSo() {
        EffectiveConfig c = parser.parse("""
                [runtime]
                hypervisor = "clh"
                [hypervisor.clh]
                default_vcpus = 3
                [hypervisor.qemu]
                default_vcpus = 7
                """, FILE);
        assertThat(c.hypervisor().kind()).isEqualTo(HypervisorKind.CLH);
        assertThat(c.hypervisor().vcpus()).isEqualTo(3);
        assertThat(c.hypervisor().path()).isEqualTo(Path.of(ConfigKeys.CLH_PATH));
    }

    @Test
    void kataSpellingOfTheAgentTableIsAccepted() {
        EffectiveConfig c = parser.parse("[agent.kata]\ndial_timeout = 30\nenable_debug = true\n", FILE);
        assertThat(c.agent().dialTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.agent().debug()).isTrue();
    }

    @Test
    void unknownKeysAreWarnedAboutWithFileAndKey() {
        EffectiveConfig c = parser.parse("""
                [hypervisor.qemu]
                default_vcpu = 2
                [runtime]
                sandbox_cgroup_only = true
                """, FILE);
        assertThat(c.warnings()).containsExactly(
                "/etc/capsa/configuration.toml: [hypervisor.qemu] default_vcpu: unknown key, ignored",
                "/etc/capsa/configuration.toml: [runtime] sandbox_cgroup_only: unknown key, ignored");
        assertThat(c.hypervisor().vcpus()).isEqualTo(1);
    }

    @Test
    void wrongTypesNameTheFileTheKeyAndWhatWasExpected() {
        assertThatThrownBy(() -> parser.parse("""
                [hypervisor.qemu]
                default_vcpus = "two"
                enable_debug = 1
                enable_annotations = "kernel_params"
                [agent]
                dial_timeout = 4.5
                """, FILE))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
                    assertThat(e.file()).isEqualTo("/etc/capsa/configuration.toml");
                    assertThat(e.problems()).containsExactly(
                            "[hypervisor.qemu] default_vcpus: expected an integer in [1, 255], got a string "
                                    + "(\"two\")",
                            "[hypervisor.qemu] enable_debug: expected a boolean, got an integer (1)",
                            "[hypervisor.qemu] enable_annotations: expected a array of strings, got a string "
                                    + "(\"kernel_params\")",
                            "[agent] dial_timeout: expected an integer in [1, 3600], got a float (4.5)");
                    assertThat(e.getMessage()).startsWith("/etc/capsa/configuration.toml: invalid configuration: ");
                });
    }

    @Test
    void valuesOutOfRangeOrNotAmongTheChoicesAreErrors() {
        assertThatThrownBy(() -> parser.parse("""
                [hypervisor.qemu]
                default_vcpus = 0
                default_memory = 16
                pcie_root_port = 17
                machine_type = "pc"
                kernel = "vmlinux"
                [runtime]
                internetworking_model = "macvtap"
                """, FILE))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "[hypervisor.qemu] default_vcpus: expected an integer in [1, 255], got 0",
                        "[hypervisor.qemu] default_memory: expected an integer in [64, 1048576], got 16",
                        "[hypervisor.qemu] pcie_root_port: expected an integer in [0, 16], got 17",
                        "[hypervisor.qemu] machine_type: expected one of \"microvm\", \"q35\", got \"pc\"",
                        "[hypervisor.qemu] kernel: expected an absolute path, got \"vmlinux\"",
                        "[runtime] internetworking_model: expected one of \"tcfilter\", \"none\", got \"macvtap\""));
    }

    @Test
    void unknownSectionsAreErrors() {
        assertThatThrownBy(() -> parser.parse("""
                [hypervisor.firecracker]
                path = "/usr/bin/firecracker"
                [factory]
                enable_template = false
                """, FILE))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "unknown section [hypervisor.firecracker] (Capsa knows [hypervisor.qemu] and "
                                + "[hypervisor.clh])",
                        "unknown section [factory]"));
    }

    @Test
    void aKeyOutsideAnyTableIsAnError() {
        assertThatThrownBy(() -> parser.parse("default_vcpus = 2\n", FILE))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("unknown top-level key default_vcpus");
    }

    @Test
    void initrdAndImageTogetherAreAnError() {
        assertThatThrownBy(() -> parser.parse("""
                [hypervisor.qemu]
                initrd = "/a/initrd"
                image = "/a/image"
                """, FILE))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("[hypervisor.qemu] initrd and image: set one of them, not both");
    }

    @Test
    void brokenTomlNamesTheFileAndTheLine() {
        assertThatThrownBy(() -> parser.parse("[hypervisor.qemu]\ndefault_vcpus = = 2\n", FILE))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
                    assertThat(e.file()).isEqualTo("/etc/capsa/configuration.toml");
                    assertThat(e.problems()).singleElement().asString().startsWith("not valid TOML at line 2");
                });
    }

    @Test
    void containerdsOwnOptionKeysInTheBodyAreNotOurs() {
        EffectiveConfig c = parser.parse("TypeUrl = \"\"\nConfigPath = \"\"\n[agent]\ndial_timeout = 9\n",
                new Source.Body());
        assertThat(c.agent().dialTimeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(c.warnings()).isEmpty();
        assertThat(c.get(Section.AGENT, "dial_timeout").source().describe())
                .isEqualTo("containerd runtime options (config_body)");
    }

    @Test
    void everyDefaultIsValidForItsOwnKey() {
        for (ConfigKey k : ConfigKeys.all()) {
            Object reparsed = parser.parse("[" + k.section().table() + "]\n" + k.name() + " = "
                    + ConfigKey.render(k.defaultValue()) + "\n", FILE).get(k.section(), k.name()).value();
            assertThat(reparsed).as(k.id()).isEqualTo(k.defaultValue());
        }
        assertThat(List.of(Section.values())).allSatisfy(s -> assertThat(ConfigKeys.of(s)).isNotEmpty());
    }
}
