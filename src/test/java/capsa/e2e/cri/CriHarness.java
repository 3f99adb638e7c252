package capsa.e2e.cri;

import capsa.e2e.cri.v1.PodSandbox;
import capsa.e2e.cri.v1.PodSandboxConfig;
import capsa.e2e.support.BusyboxImage;
import capsa.e2e.support.ContainerdConfig;
import capsa.e2e.support.CriPlugin;
import capsa.e2e.support.HostBinaries;
import capsa.e2e.support.PrivateContainerd;
import io.grpc.StatusRuntimeException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private containerd with its CRI plugin configured ({@link CriPlugin}), the busybox and pause images imported into
 * {@code k8s.io} and visible to CRI, and a connected {@link CriClient}. Pods log under {@code logs/} in containerd's
 * scratch dir.
 *
 * <p>Closing tears down in the order that leaves nothing behind: StopPodSandbox + RemovePodSandbox for every pod
 * still known to CRI (which unmounts the sandbox shm and ends the shims), then containerd (whose own close sweeps
 * remaining tasks, kills stray shims, unmounts what is left under the scratch dir and deletes it).
 */
public final class CriHarness implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CriHarness.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final EventLoopGroup group;
    private final PrivateContainerd containerd;
    private final CriClient cri;
    private int pods;

    private CriHarness(EventLoopGroup group, PrivateContainerd containerd, CriClient cri) {
        this.group = group;
        this.containerd = containerd;
        this.cri = cri;
    }

    /** containerd with only the {@code runc} handler. */
    public static CriHarness start(BusyboxImage image) {
        return start(image, ContainerdConfig.withCri(CriPlugin.runcOnly()));
    }

    /** containerd with {@code config} (its CRI plugin must be configured, e.g. with an extra handler). */
    public static CriHarness start(BusyboxImage image, ContainerdConfig config) {
        if (config.cri().isEmpty()) {
            throw new IllegalArgumentException("CriHarness needs a CRI plugin config");
        }
        // runc is always a handler (the default one, and the pause container's runtime for runc pods).
        HostBinaries.require(HostBinaries.RUNC_SHIM);
        HostBinaries.require(HostBinaries.RUNC);
        EventLoopGroup group = new EpollEventLoopGroup(1);
        PrivateContainerd containerd = null;
        CriClient cri = null;
        try {
            containerd = PrivateContainerd.start(config);
            image.importInto(containerd, BusyboxImage.CRI_NAMESPACE);
            image.importPauseForCri(containerd);
            cri = CriClient.connect(containerd.grpcSocket(), group);
            cri.awaitImage(BusyboxImage.REF, READY_TIMEOUT);
            cri.awaitImage(config.cri().get().sandboxImage(), READY_TIMEOUT);
            if (!cri.conditionTrue("RuntimeReady")) {
                throw new IllegalStateException("CRI runtime not ready: " + cri.status());
            }
            return new CriHarness(group, containerd, cri);
        } catch (RuntimeException | InterruptedException e) {
            if (cri != null) {
                cri.close();
            }
            if (containerd != null) {
                containerd.close();
            }
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("CRI harness did not start", e);
        }
    }

    public CriClient cri() {
        return cri;
    }

    public PrivateContainerd containerd() {
        return containerd;
    }

    /** A fresh log directory for a pod (CRI creates the log files, not the directory's parents). */
    public Path newLogDirectory(String podName) {
        try {
            return Files.createDirectories(containerd.dir().resolve("logs").resolve(podName + "-" + (++pods)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** RunPodSandbox of a host-network pod with {@code runtimeHandler} ("runc", later "capsa"). */
    public CriPod runHostNetworkPod(String name, String runtimeHandler) {
        return runPod(CriSpecs.hostNetworkPod(name, newLogDirectory(name)), runtimeHandler);
    }

    public CriPod runPod(PodSandboxConfig config, String runtimeHandler) {
        String id = cri.runPodSandbox(config, runtimeHandler);
        return new CriPod(cri, id, config, runtimeHandler);
    }

    @Override
    public void close() {
        try {
            for (PodSandbox pod : cri.listPodSandboxes()) {
                log.warn("pod {} ({}) still there at teardown; stopping and removing it", pod.getId(),
                        pod.getMetadata().getName());
                try {
                    cri.stopPodSandbox(pod.getId());
                    cri.removePodSandbox(pod.getId());
                } catch (StatusRuntimeException e) {
                    log.warn("could not remove pod {}", pod.getId(), e);
                }
            }
        } catch (StatusRuntimeException e) {
            log.warn("cannot list pods at teardown", e);
        } finally {
            try {
                cri.close();
                group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
            } finally {
                containerd.close();
            }
        }
    }
}
