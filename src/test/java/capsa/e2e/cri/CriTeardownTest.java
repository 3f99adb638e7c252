package capsa.e2e.cri;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.e2e.cri.v1.PodSandbox;
import capsa.e2e.support.BusyboxImage;
import capsa.e2e.support.BusyboxImageExtension;
import capsa.e2e.support.Ctr;
import capsa.e2e.support.Leftovers;
import capsa.e2e.support.RunContainerdLeftovers;
import capsa.e2e.support.RuntimeHandler;
import capsa.shim.manager.ShimSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Pods leave nothing behind: neither after StopPodSandbox + RemovePodSandbox, nor when a test forgets them. */
@ExtendWith(BusyboxImageExtension.class)
@Timeout(300)
class CriTeardownTest {

    private static final String HANDLER = RuntimeHandler.runc().name();
    private static final Duration GONE_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void stopAndRemovePodLeaveNoProcessMountOrDirectory(BusyboxImage image) throws Exception {
        try (CriHarness harness = CriHarness.start(image)) {
            CriPod pod = harness.runHostNetworkPod("teardown", HANDLER);
            String container = pod.startContainer("c1", BusyboxImage.REF, "sleep", "3600");
            List<Long> pids = new ArrayList<>(List.of(harness.cri().podSandboxPid(pod.id()),
                    harness.cri().containerPid(container)));
            pids.addAll(Leftovers.shimPids(harness.containerd().grpcSocket()));
            Path dir = harness.containerd().dir();
            List<Path> podDirs = List.of(
                    dir.resolve("state/io.containerd.grpc.v1.cri/sandboxes").resolve(pod.id()),
                    dir.resolve("root/io.containerd.grpc.v1.cri/sandboxes").resolve(pod.id()),
                    dir.resolve("root/io.containerd.grpc.v1.cri/containers").resolve(container),
                    dir.resolve("state/io.containerd.runtime.v2.task/k8s.io").resolve(pod.id()),
                    dir.resolve("state/io.containerd.runtime.v2.task/k8s.io").resolve(container));
            assertThat(pids).hasSizeGreaterThanOrEqualTo(3).allSatisfy(pid -> assertThat(isAlive(pid)).isTrue());
            assertThat(Leftovers.mountsNaming(pod.id())).as("sandbox shm and rootfs mounts").isNotEmpty();
            assertThat(Leftovers.mountsNaming(container)).as("container rootfs mount").isNotEmpty();
            assertThat(podDirs).allSatisfy(d -> assertThat(d).exists());
            List<Path> hostPaths = hostPaths(harness, pod.id(), container);
            assertThat(hostPaths).allSatisfy(p -> assertThat(p).exists());

            pod.stop();
            pod.remove();

            for (long pid : pids) {
                assertThat(awaitGone(pid)).as("pid %d gone", pid).isTrue();
            }
            assertThat(Leftovers.mountsNaming(pod.id())).isEmpty();
            assertThat(Leftovers.mountsNaming(container)).isEmpty();
            assertThat(podDirs).allSatisfy(d -> assertThat(d).doesNotExist());
            assertThat(hostPaths).allSatisfy(p -> assertThat(p).doesNotExist());
            assertThat(harness.cri().listPodSandboxes()).extracting(PodSandbox::getId).doesNotContain(pod.id());
            assertThat(new Ctr(harness.containerd(), BusyboxImage.CRI_NAMESPACE).containers()).isEmpty();
        }
    }

    @Test
    void closingTheHarnessRemovesAForgottenPod(BusyboxImage image) throws Exception {
        Path dir;
        List<Long> pids;
        List<Path> hostPaths;
        try (CriHarness harness = CriHarness.start(image)) {
            dir = harness.containerd().dir();
            CriPod pod = harness.runHostNetworkPod("forgotten", HANDLER);
            String container = pod.startContainer("c1", BusyboxImage.REF, "sleep", "3600");
            pids = new ArrayList<>(List.of(harness.containerd().pid(), harness.cri().podSandboxPid(pod.id()),
                    harness.cri().containerPid(container)));
            pids.addAll(Leftovers.shimPids(harness.containerd().grpcSocket()));
            hostPaths = hostPaths(harness, pod.id(), container);
            assertThat(hostPaths).allSatisfy(p -> assertThat(p).exists());
            // no pod.close(): the test "forgot" it
        }

        for (long pid : pids) {
            assertThat(awaitGone(pid)).as("pid %d gone", pid).isTrue();
        }
        Leftovers left = Leftovers.under(dir);
        assertThat(left.none()).as("%s", left).isTrue();
        assertThat(hostPaths).allSatisfy(p -> assertThat(p).doesNotExist());
    }

    /**
     * What a pod puts outside the scratch dir, under containerd 1.6's hard-coded /run/containerd: the pod's shim
     * socket (runc groups a pod's containers in the sandbox's shim) and runc's state dirs. Other containerds on the
     * machine may share /run/containerd, so only our own entries are checked.
     */
    private static List<Path> hostPaths(CriHarness harness, String podId, String containerId) {
        Path runcState = RunContainerdLeftovers.RUN_CONTAINERD.resolve("runc").resolve(BusyboxImage.CRI_NAMESPACE);
        return List.of(
                ShimSocketAddress.of(harness.containerd().grpcSocket().toString(), BusyboxImage.CRI_NAMESPACE, podId)
                        .socketPath(),
                runcState.resolve(podId),
                runcState.resolve(containerId));
    }

    private static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static boolean awaitGone(long pid) throws Exception {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return true;
        }
        try {
            handle.get().onExit().get(GONE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }
}
