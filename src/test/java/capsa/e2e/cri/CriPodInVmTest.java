package capsa.e2e.cri;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.e2e.cri.v1.ContainerConfig;
import capsa.e2e.cri.v1.ContainerState;
import capsa.e2e.cri.v1.ContainerStats;
import capsa.e2e.cri.v1.ContainerStatus;
import capsa.e2e.cri.v1.LinuxContainerConfig;
import capsa.e2e.cri.v1.LinuxContainerResources;
import capsa.e2e.cri.v1.LinuxContainerSecurityContext;
import capsa.e2e.cri.v1.NamespaceMode;
import capsa.e2e.cri.v1.NamespaceOption;
import capsa.e2e.cri.v1.PodSandboxConfig;
import capsa.e2e.guest.AgentGuestImage;
import capsa.e2e.support.BusyboxImage;
import capsa.e2e.support.BusyboxImageExtension;
import capsa.e2e.support.CapsaShimBinary;
import capsa.e2e.support.ContainerdConfig;
import capsa.e2e.support.CriPlugin;
import capsa.e2e.support.Leftovers;
import capsa.e2e.support.RuntimeHandler;
import capsa.shim.manager.ShimSocketAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * crictl's flows through containerd 1.6's CRI plugin with the {@code capsa} handler: one host-network pod whose
 * pause container boots the VM and whose containers join it (one TCG VM for the pod). The methods
 * share that pod and run in order: one VM for both containers (same guest boot id), ExecSync, exit codes and the CRI
 * log, ContainerStats, an OOM kill that CRI reports as {@code OOMKilled} (the shim's TaskOOM). A second pod (the
 * class's second and last VM) shares its pid namespace among its containers. The last method stops
 * and removes the pod and checks that no QEMU, shim, socket, mount or state directory is left behind.
 *
 * <p>Needs the packaged shim ({@code mvn package} of {@code shim}, as {@code mvn verify} does): the launcher runs
 * {@code shim/target/capsa-shim.jar} when it exists.
 */
@ExtendWith(BusyboxImageExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(900)
class CriPodInVmTest {

    private static final String HANDLER = RuntimeHandler.capsa().name();
    private static final Duration EXIT = Duration.ofMinutes(3);
    private static final Duration EXEC = Duration.ofMinutes(2);
    private static final Path RUN_ROOT = Path.of("/run/capsa/sandboxes");
    private static final String BOOT_ID = "/proc/sys/kernel/random/boot_id";
    private static final String[] SLEEP = {"sleep", "3600"};

    private CapsaShimBinary shim;
    private CriHarness harness;
    private CriPod pod;
    private String first;
    private String second;

    @BeforeAll
    void startPod(BusyboxImage image) {
        AgentGuestImage guest = AgentGuestImage.get();
        shim = CapsaShimBinary.install();
        Map<String, String> env = new HashMap<>(shim.containerdEnv());
        env.put("CAPSA_GUEST_MANIFEST", guest.manifestFile().toString());
        harness = CriHarness.start(image, ContainerdConfig
                .withCri(CriPlugin.runcOnly().withRuntime(RuntimeHandler.capsa()))
                .withEnv(env));
        pod = harness.runHostNetworkPod("vm", HANDLER);
        first = pod.startContainer("first", BusyboxImage.REF, SLEEP);
        second = pod.startContainer("second", BusyboxImage.REF, "sh", "-c", "echo second is up; exec sleep 3600");
    }

    @AfterAll
    void stop() {
        try {
            if (harness != null) {
                harness.close();
            }
        } finally {
            if (shim != null) {
                shim.close();
            }
        }
    }

    @Test
    @Order(1)
    void bothContainersRunInOneVm() throws Exception {
        assertThat(harness.cri().containerStatus(first).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
        assertThat(harness.cri().containerStatus(second).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);

        ExecResult a = harness.cri().execSync(first, EXEC, "cat", BOOT_ID);
        ExecResult b = harness.cri().execSync(second, EXEC, "cat", BOOT_ID);

        assertThat(a.exitCode()).as(a.toString()).isZero();
        assertThat(b.stdout()).as("the same kernel: one VM").isEqualTo(a.stdout());
        assertThat(a.stdout().trim()).as("not the host's kernel").isNotEqualTo(Files.readString(Path.of(BOOT_ID))
                .trim());
        List<Long> qemu = qemuOf(pod.id());
        assertThat(qemu).as("one QEMU for the pod").hasSize(1);
        assertThat(harness.cri().containerPid(first)).isEqualTo(qemu.get(0));
        assertThat(harness.cri().containerPid(second)).isEqualTo(qemu.get(0));
        CriLog.await(pod.logFile("second"), l -> l.text().equals("second is up"), EXIT);
    }

    @Test
    @Order(2)
    void execSyncReturnsOutputAndExitCode() {
        ExecResult result = harness.cri().execSync(first, EXEC, "sh", "-c", "echo out; echo err >&2; exit 7");

        assertThat(result).isEqualTo(new ExecResult(7, "out\n", "err\n"));
    }

    @Test
    @Order(3)
    void exitCodeReachesContainerStatusAndOutputTheLog() throws Exception {
        String c = pod.startContainer("exits", BusyboxImage.REF,
                "sh", "-c", "echo hello from the vm; echo to stderr >&2; exit 3");

        ContainerStatus status = harness.cri().waitForContainerExit(c, EXIT);

        assertThat(status.getExitCode()).isEqualTo(3);
        assertThat(status.getReason()).isEqualTo("Error");
        assertThat(status.getFinishedAt()).isPositive();
        List<CriLog.Line> log = CriLog.await(pod.logFile("exits"), l -> l.text().equals("to stderr"), EXIT);
        assertThat(CriLog.texts(log, "stdout")).containsExactly("hello from the vm");
        assertThat(CriLog.texts(log, "stderr")).containsExactly("to stderr");
        harness.cri().removeContainer(c);
    }

    @Test
    @Order(4)
    void containerStatsHaveMemoryAndCpu() {
        harness.cri().execSync(first, EXEC, "sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done");

        ContainerStats stats = harness.cri().containerStats(first);

        assertThat(stats.getAttributes().getId()).isEqualTo(first);
        assertThat(stats.getCpu().getUsageCoreNanoSeconds().getValue()).isPositive();
        assertThat(stats.getMemory().getWorkingSetBytes().getValue()).isPositive();
        assertThat(harness.cri().listContainerStats(pod.id()))
                .extracting(s -> s.getAttributes().getId()).contains(first, second);
    }

    @Test
    @Order(5)
    void aContainerOverItsMemoryLimitIsOomKilled() throws Exception {
        ContainerConfig config = CriSpecs.container("hog", BusyboxImage.REF,
                        "sh", "-c", "cat /sys/fs/cgroup/memory.max; echo allocating; "
                                + "x=$(head -c 100000000 /dev/zero | tr '\\0' a); echo survived ${#x}")
                .toBuilder()
                .setLinux(LinuxContainerConfig.newBuilder().setResources(LinuxContainerResources.newBuilder()
                        .setMemoryLimitInBytes(32L * 1024 * 1024)))
                .build();
        String c = pod.createContainer(config);
        harness.cri().startContainer(c);

        ContainerStatus status = harness.cri().waitForContainerExit(c, EXIT);
        // The shim publishes TaskOOM before TaskExit, but CRI takes the exit from Wait and the OOM from its event
        // stream: the reason may follow the exit by a moment.
        String reason = status.getReason();
        for (int i = 0; i < 100 && !reason.equals("OOMKilled"); i++) {
            Thread.sleep(100);
            reason = harness.cri().containerStatus(c).getReason();
        }

        assertThat(reason).as(status + "\nlog: " + CriLog.read(pod.logFile("hog")) + "\ncontainerd: "
                + harness.containerd().logText().lines().filter(l -> l.toLowerCase().contains("oom"))
                        .collect(Collectors.joining("\n"))
                + "\nconsole: " + consoleLines(pod.id(), "oom")).isEqualTo("OOMKilled");
        assertThat(status.getExitCode()).isEqualTo(137);
        assertThat(CriLog.texts(CriLog.read(pod.logFile("hog")), "stdout"))
                .as("the limit reached the guest's cgroup").contains("33554432", "allocating")
                .noneMatch(l -> l.startsWith("survived"));
        harness.cri().removeContainer(c);
    }

    @Test
    @Order(6)
    void containersOfAPodWithASharedPidNamespaceSeeEachOther() throws Exception {
        PodSandboxConfig base = CriSpecs.hostNetworkPod("pidns", harness.newLogDirectory("pidns"));
        NamespaceOption podPid = base.getLinux().getSecurityContext().getNamespaceOptions().toBuilder()
                .setPid(NamespaceMode.POD).build();
        PodSandboxConfig shared = base.toBuilder().setLinux(base.getLinux().toBuilder().setSecurityContext(
                base.getLinux().getSecurityContext().toBuilder().setNamespaceOptions(podPid))).build();
        String podId;
        try (CriPod other = harness.runPod(shared, HANDLER)) {
            podId = other.id();
            String a = other.createContainer(sharingPid(CriSpecs.container("a", BusyboxImage.REF, "sleep", "4242"),
                    podPid));
            harness.cri().startContainer(a);
            String b = other.createContainer(sharingPid(CriSpecs.container("b", BusyboxImage.REF, SLEEP), podPid));
            harness.cri().startContainer(b);

            ExecResult ps = harness.cri().execSync(b, EXEC, "ps");

            assertThat(ps.stdout()).as(ps.toString()).contains("sleep 4242").contains("sleep 3600");
        }
        awaitTrue("no QEMU of the second pod", () -> qemuOf(podId).isEmpty());
        assertThat(Leftovers.mountsNaming(podId)).isEmpty();
    }

    private static ContainerConfig sharingPid(ContainerConfig c, NamespaceOption namespaces) {
        return c.toBuilder().setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
                LinuxContainerSecurityContext.newBuilder().setNamespaceOptions(namespaces))).build();
    }

    @Test
    @Order(100)
    void stopAndRemoveLeaveNothingBehind() throws Exception {
        String id = pod.id();
        pod.stop();

        assertThat(harness.cri().containerStatus(first).getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
        assertThat(harness.cri().containerStatus(second).getState()).isEqualTo(ContainerState.CONTAINER_EXITED);

        pod.remove();

        assertThat(harness.cri().listPodSandboxes()).isEmpty();
        awaitTrue("no QEMU of the pod", () -> qemuOf(id).isEmpty());
        awaitTrue("no shim of the pod", () -> Leftovers.shimPids(harness.containerd().grpcSocket()).isEmpty());
        awaitTrue("no state dir of the pod", () -> !Files.exists(RUN_ROOT.resolve(id)));
        assertThat(Leftovers.mountsNaming(id)).isEmpty();
        assertThat(Leftovers.mountsNaming(first)).isEmpty();
        assertThat(Leftovers.mountsNaming(second)).isEmpty();
        Path socket = ShimSocketAddress.of(harness.containerd().grpcSocket().toString(), BusyboxImage.CRI_NAMESPACE,
                id).socketPath();
        awaitTrue("shim socket removed", () -> !Files.exists(socket));
    }

    private static List<Long> qemuOf(String podId) {
        String dir = RUN_ROOT.resolve(podId).toString();
        return ProcessHandle.allProcesses().filter(p -> {
            String cmd = cmdline(p.pid());
            return cmd.contains("qemu-system") && cmd.contains(dir);
        }).map(ProcessHandle::pid).toList();
    }

    private static String consoleLines(String podId, String fragment) {
        try {
            return Files.readAllLines(RUN_ROOT.resolve(podId).resolve("console.log"),
                    StandardCharsets.ISO_8859_1).stream()
                    .filter(l -> l.toLowerCase().contains(fragment)).collect(Collectors.joining("\n"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException gone) {
            return "";
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 90 s: " + what);
            }
            Thread.sleep(100); // clean-up happens in other processes; nothing to be notified by
        }
    }
}
