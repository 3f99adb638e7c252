package capsa.shim.sandbox;

import capsa.config.AgentChannel;
import capsa.config.EffectiveConfig;
import capsa.config.HypervisorSettings;
import capsa.config.SharedFsKind;
import capsa.hypervisor.spec.AgentChannelKind;
import capsa.hypervisor.spec.BootSource;
import capsa.hypervisor.spec.DataSize;
import capsa.hypervisor.spec.MachineType;
import capsa.hypervisor.spec.SharedFs;
import capsa.hypervisor.spec.VmSpec;
import java.nio.file.Path;

/**
 * Turns the effective configuration of a pod into the parts of its {@link VmSpec} that configuration decides:
 * size, machine, boot source, share transport, agent channel, kernel parameters, root ports. The launcher adds the
 * per-sandbox paths (and, elsewhere, NICs and devices). Stateless.
 */
public final class SandboxVmSpecs {

    private SandboxVmSpecs() {}

    /** A builder with everything but id, logs and runtime dir set. */
    public static VmSpec.Builder builder(EffectiveConfig config, GuestImage image, Path shareDir) {
        HypervisorSettings hv = config.hypervisor();
        VmSpec.Builder b = VmSpec.builder()
                .vcpus(hv.vcpus())
                .maxVcpus(hv.maxVcpus())
                .memory(DataSize.mebibytes(hv.memoryMib()))
                .maxMemory(DataSize.mebibytes(hv.maxMemoryMib()))
                .machine(MachineType.parse(hv.machine().tomlName()))
                .boot(boot(hv, image))
                .sharedFs(hv.sharedFs() == SharedFsKind.VIRTIO_FS
                        ? new SharedFs.VirtioFs(SharedFs.KATA_TAG, shareDir)
                        : new SharedFs.NineP(SharedFs.KATA_TAG, shareDir))
                .pcieRootPorts(hv.pcieRootPorts());
        if (config.agent().channel() == AgentChannel.VSOCK) {
            // The agent listens where this VM has a channel.
            b.agentChannel(AgentChannelKind.VSOCK).kernelParam("agent.channel=vsock");
        } else {
            b.agentChannel(AgentChannelKind.VIRTIO_SERIAL).kernelParam("agent.channel=serial");
        }
        if (config.agent().debug()) {
            b.kernelParam("agent.log=debug");
        }
        hv.kernelParams().forEach(b::kernelParam);
        return b;
    }

    /** Explicit kernel/initrd/image from the configuration win over the guest manifest's. */
    static BootSource boot(HypervisorSettings hv, GuestImage image) {
        Path kernel = hv.kernel().orElse(image.kernel());
        if (hv.image().isPresent()) {
            return new BootSource.Image(kernel, hv.image().get());
        }
        return new BootSource.Initrd(kernel, hv.initrd().orElse(image.initramfs()));
    }
}
