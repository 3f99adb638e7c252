package capsa.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The typed view of the active {@code [hypervisor.*]} table.
 *
 * @param kind which hypervisor
 * @param path the VMM binary
 * @param kernel explicit kernel, or empty for the guest manifest's
 * @param initrd explicit initramfs, or empty
 * @param image explicit root disk image, or empty
 * @param guestManifest explicit guest manifest, or empty for the build tree's or the installation's
 * @param machine machine model
 * @param kernelParams extra kernel parameters, split at white space
 * @param vcpus vCPUs at boot
 * @param maxVcpus hotplug bound, at least {@code vcpus}
 * @param memoryMib RAM at boot
 * @param maxMemoryMib hotplug bound, at least {@code memoryMib}
 * @param sharedFs the share's transport
 * @param virtioFsDaemon virtiofsd
 * @param debug VMM debug logging
 * @param disableVhostNet no /dev/vhost-net for NICs
 * @param coldPlugVfio port kind for VFIO devices at boot
 * @param hotPlugVfio port kind for VFIO devices hot-plugged later
 * @param pcieRootPorts root ports at boot
 * @param pcieSwitchPorts switch ports at boot
 */
public record HypervisorSettings(
        HypervisorKind kind,
        Path path,
        Optional<Path> kernel,
        Optional<Path> initrd,
        Optional<Path> image,
        Optional<Path> guestManifest,
        MachineKind machine,
        List<String> kernelParams,
        int vcpus,
        int maxVcpus,
        int memoryMib,
        int maxMemoryMib,
        SharedFsKind sharedFs,
        Path virtioFsDaemon,
        boolean debug,
        boolean disableVhostNet,
        VfioPort coldPlugVfio,
        VfioPort hotPlugVfio,
        int pcieRootPorts,
        int pcieSwitchPorts) {

    public HypervisorSettings {
        kernelParams = List.copyOf(kernelParams);
    }

    /** Whether any VFIO plugging is configured. */
    public boolean vfioEnabled() {
        return coldPlugVfio != VfioPort.NO_PORT || hotPlugVfio != VfioPort.NO_PORT;
    }
}
