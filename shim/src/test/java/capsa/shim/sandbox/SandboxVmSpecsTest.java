package capsa.shim.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.config.ConfigParser;
import capsa.config.EffectiveConfig;
import capsa.config.Source;
import capsa.hypervisor.spec.AgentChannelKind;
import capsa.hypervisor.spec.BootSource;
import capsa.hypervisor.spec.DataSize;
import capsa.hypervisor.spec.MachineType;
import capsa.hypervisor.spec.SharedFs;
import capsa.hypervisor.spec.VmSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SandboxVmSpecsTest {

    private static final GuestImage IMAGE = new GuestImage(Path.of("/g/vmlinux"), Path.of("/g/initramfs.cpio.gz"),
            "6.1.0-57-amd64");
    private static final Path SHARE = Path.of("/run/capsa/sandboxes/sb/shared");

    private static VmSpec spec(EffectiveConfig c) {
        return SandboxVmSpecs.builder(c, IMAGE, SHARE).id("sb").consoleLog(Path.of("/r/console.log"))
                .vmmLog(Path.of("/r/vmm.log")).runtimeDir(Path.of("/r/vm")).build();
    }

    @Test
    void theDefaultsAreTodaysTcgFriendlySandbox() {
        VmSpec s = spec(EffectiveConfig.defaults());
        assertThat(s.vcpus()).isEqualTo(1);
        assertThat(s.memory()).isEqualTo(DataSize.mebibytes(512));
        assertThat(s.machine()).isEqualTo(MachineType.MICROVM);
        assertThat(s.boot()).isEqualTo(new BootSource.Initrd(IMAGE.kernel(), IMAGE.initramfs()));
        assertThat(s.sharedFs()).contains(new SharedFs.NineP(SharedFs.KATA_TAG, SHARE));
        assertThat(s.agentChannel()).isEqualTo(AgentChannelKind.VIRTIO_SERIAL);
        assertThat(s.kernelParams()).containsExactly("agent.channel=serial");
        assertThat(s.pcieRootPorts()).isZero();
    }

    @Test
    void theConfigurationDecidesMachineSizeChannelShareAndBoot() {
        EffectiveConfig c = new ConfigParser().parse("""
                [hypervisor.qemu]
                machine_type = "q35"
                default_vcpus = 2
                default_maxvcpus = 4
                default_memory = 1024
                default_maxmemory = 4096
                pcie_root_port = 2
                shared_fs = "virtio-fs"
                kernel = "/opt/k/vmlinux"
                image = "/opt/k/rootfs.img"
                kernel_params = "quiet"
                [agent]
                channel = "vsock"
                enable_debug = true
                """, new Source.File(Path.of("/x.toml")));
        VmSpec s = spec(c);
        assertThat(s.machine()).isEqualTo(MachineType.Q35);
        assertThat(s.vcpus()).isEqualTo(2);
        assertThat(s.maxVcpus()).isEqualTo(4);
        assertThat(s.maxMemory()).isEqualTo(DataSize.mebibytes(4096));
        assertThat(s.pcieRootPorts()).isEqualTo(2);
        assertThat(s.sharedFs()).contains(new SharedFs.VirtioFs(SharedFs.KATA_TAG, SHARE));
        assertThat(s.boot()).isEqualTo(new BootSource.Image(Path.of("/opt/k/vmlinux"), Path.of("/opt/k/rootfs.img")));
        assertThat(s.agentChannel()).isEqualTo(AgentChannelKind.VSOCK);
        assertThat(s.kernelParams()).containsExactly("agent.channel=vsock", "agent.log=debug", "quiet");
    }
}
