package capsa.e2e.cri;

import capsa.e2e.cri.v1.ContainerConfig;
import capsa.e2e.cri.v1.ContainerMetadata;
import capsa.e2e.cri.v1.ImageSpec;
import capsa.e2e.cri.v1.LinuxPodSandboxConfig;
import capsa.e2e.cri.v1.LinuxSandboxSecurityContext;
import capsa.e2e.cri.v1.NamespaceMode;
import capsa.e2e.cri.v1.NamespaceOption;
import capsa.e2e.cri.v1.PodSandboxConfig;
import capsa.e2e.cri.v1.PodSandboxMetadata;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * Pod and container configs as kubelet would send them for the simplest pods. Tests adjust them with
 * {@code toBuilder()} (labels, annotations, stdin, mounts...).
 */
public final class CriSpecs {

    /** The Kubernetes namespace our pods claim to be in. */
    public static final String POD_NAMESPACE = "capsa-e2e";

    private CriSpecs() {}

    /**
     * A pod in the host's network namespace (no CNI needed). No hostname: CRI would have to set it in a UTS namespace
     * it does not create for host-network pods, and runc refuses ("unable to set hostname without a private UTS
     * namespace").
     */
    public static PodSandboxConfig hostNetworkPod(String name, Path logDirectory) {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder()
                        .setName(name).setUid(UUID.randomUUID().toString()).setNamespace(POD_NAMESPACE).setAttempt(0))
                .setLogDirectory(logDirectory.toString())
                .putLabels("capsa.e2e/test", name)
                .setLinux(LinuxPodSandboxConfig.newBuilder()
                        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                                .setNamespaceOptions(NamespaceOption.newBuilder()
                                        .setNetwork(NamespaceMode.NODE)
                                        .setPid(NamespaceMode.CONTAINER)
                                        .setIpc(NamespaceMode.POD))))
                .build();
    }

    /** A pod with its own network namespace (needs a CNI network, see {@code CniBridge}); hostname = name. */
    public static PodSandboxConfig podNetworkPod(String name, Path logDirectory) {
        PodSandboxConfig hostNetwork = hostNetworkPod(name, logDirectory);
        return hostNetwork.toBuilder()
                .setHostname(name)
                .setLinux(hostNetwork.getLinux().toBuilder().setSecurityContext(
                        hostNetwork.getLinux().getSecurityContext().toBuilder().setNamespaceOptions(
                                NamespaceOption.newBuilder().setNetwork(NamespaceMode.POD)
                                        .setPid(NamespaceMode.CONTAINER).setIpc(NamespaceMode.POD))))
                .build();
    }

    /**
     * A container running {@code command} (the image's entrypoint is replaced) that logs to {@code <name>.log} in
     * the pod's log directory.
     */
    public static ContainerConfig container(String name, String image, String... command) {
        return ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name).setAttempt(0))
                .setImage(ImageSpec.newBuilder().setImage(image))
                .addAllCommand(List.of(command))
                .setLogPath(logPath(name))
                .putLabels("capsa.e2e/container", name)
                .build();
    }

    /** The log path (relative to the pod's log directory) {@link #container} uses. */
    public static String logPath(String containerName) {
        return containerName + ".log";
    }
}
