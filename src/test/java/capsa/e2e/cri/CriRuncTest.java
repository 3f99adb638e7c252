package capsa.e2e.cri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import capsa.e2e.cri.v1.Container;
import capsa.e2e.cri.v1.ContainerState;
import capsa.e2e.cri.v1.ContainerStats;
import capsa.e2e.cri.v1.ContainerStatus;
import capsa.e2e.support.BusyboxImage;
import capsa.e2e.support.BusyboxImageExtension;
import capsa.e2e.support.RuntimeHandler;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The CRI harness proven against the stock runc handler: crictl's flows through containerd's CRI plugin, host-network
 * pods. {@link CriPodInVmTest} runs the same flows with the {@code capsa} handler. One containerd serves the class;
 * every test runs (and removes) its own pod.
 */
@ExtendWith(BusyboxImageExtension.class)
@Timeout(300)
class CriRuncTest {

    private static final String HANDLER = RuntimeHandler.runc().name();
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);
    private static final String[] SLEEP = {"sleep", "3600"};

    private static CriHarness harness;

    @BeforeAll
    static void startContainerd(BusyboxImage image) {
        harness = CriHarness.start(image);
    }

    @AfterAll
    static void stopContainerd() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void versionAndStatusComeFromContainerd() {
        assertThat(harness.cri().version().getRuntimeName()).isEqualTo("containerd");
        assertThat(harness.cri().version().getRuntimeApiVersion()).isEqualTo("v1");
        assertThat(harness.cri().conditionTrue("RuntimeReady")).isTrue();
    }

    @Test
    void containerExitCodeAndOutputReachStatusAndLog() throws InterruptedException {
        try (CriPod pod = harness.runHostNetworkPod("exit-code", HANDLER)) {
            // The sleep keeps the process alive until its output has left the pipes: with runc and containerd 1.6 we
            // once saw (under load) the stderr line of a command that exited at once missing from the log for good.
            String container = pod.startContainer("c1", BusyboxImage.REF,
                    "sh", "-c", "echo hello from cri; echo to stderr >&2; sleep 1; exit 3");

            ContainerStatus status = harness.cri().waitForContainerExit(container, EXIT_TIMEOUT);

            assertThat(status.getExitCode()).isEqualTo(3);
            // Both set, but not ordered: CRI stamps started_at after the Start RPC returns, while finished_at is the
            // shim's exit time, which for a quick command can come first.
            assertThat(status.getStartedAt()).isPositive();
            assertThat(status.getFinishedAt()).isPositive();
            assertThat(status.getLogPath()).isEqualTo(pod.logFile("c1").toString());
            List<CriLog.Line> log = CriLog.await(pod.logFile("c1"), l -> l.text().equals("to stderr"), EXIT_TIMEOUT);
            assertThat(CriLog.texts(log, "stdout")).containsExactly("hello from cri");
            assertThat(CriLog.texts(log, "stderr")).containsExactly("to stderr");
        }
    }

    @Test
    void twoContainersRunInOnePod() throws InterruptedException {
        try (CriPod pod = harness.runHostNetworkPod("two", HANDLER)) {
            String first = pod.startContainer("first", BusyboxImage.REF, SLEEP);
            String second = pod.startContainer("second", BusyboxImage.REF, "sh", "-c", "echo second; exec sleep 3600");

            assertThat(harness.cri().listContainers(pod.id()))
                    .extracting(Container::getId, Container::getState)
                    .containsExactlyInAnyOrder(
                            tuple(first, ContainerState.CONTAINER_RUNNING),
                            tuple(second, ContainerState.CONTAINER_RUNNING));
            assertThat(VerboseInfo.sandboxId(harness.cri().containerStatus(first, true).getInfoMap().get("info")))
                    .isEqualTo(pod.id());
            assertThat(VerboseInfo.sandboxId(harness.cri().containerStatus(second, true).getInfoMap().get("info")))
                    .isEqualTo(pod.id());
            CriLog.await(pod.logFile("second"), l -> l.text().equals("second"), EXIT_TIMEOUT);

            pod.stop();

            assertThat(harness.cri().containerStatus(first).getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
            assertThat(harness.cri().containerStatus(second).getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
        }
    }

    @Test
    void execSyncReturnsOutputAndExitCode() {
        try (CriPod pod = harness.runHostNetworkPod("exec", HANDLER)) {
            String container = pod.startContainer("c1", BusyboxImage.REF, SLEEP);

            ExecResult result = harness.cri().execSync(container, Duration.ofSeconds(60),
                    "sh", "-c", "echo out; echo err >&2; exit 7");

            assertThat(result).isEqualTo(new ExecResult(7, "out\n", "err\n"));
        }
    }

    @Test
    void containerStatsHaveMemoryAndCpu() {
        try (CriPod pod = harness.runHostNetworkPod("stats", HANDLER)) {
            String container = pod.startContainer("c1", BusyboxImage.REF, SLEEP);
            // Some work of our own, so that CPU time is certainly accounted to the container's cgroup.
            harness.cri().execSync(container, Duration.ofSeconds(60), "sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done");

            ContainerStats stats = harness.cri().containerStats(container);

            assertThat(stats.getAttributes().getId()).isEqualTo(container);
            assertThat(stats.getCpu().getUsageCoreNanoSeconds().getValue()).isPositive();
            assertThat(stats.getMemory().getWorkingSetBytes().getValue()).isPositive();
            assertThat(harness.cri().listContainerStats(pod.id()))
                    .extracting(s -> s.getAttributes().getId()).containsExactly(container);
        }
    }
}
