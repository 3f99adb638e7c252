package capsa.e2e.vm;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.e2e.support.CapsaShimBinary;
import capsa.e2e.support.CommandResult;
import capsa.e2e.support.Commands;
import capsa.e2e.support.PrivateContainerd;
import capsa.e2e.support.ShimContainerd;
import capsa.shim.manager.ShimSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ctr} against a private containerd 1.6 runs busybox containers in QEMU (TCG) VMs through our launcher:
 * the guest kernel answers {@code uname -r}, exit codes reach ctr, exec and kill work, and afterwards no QEMU,
 * mount, socket or state directory of ours is left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(900)
class CtrRunInVmTest {

    private static final Duration CTR = Duration.ofMinutes(5);
    private static final Duration GONE = Duration.ofSeconds(90);
    private static final Path RUN_ROOT = Path.of("/run/capsa/sandboxes");

    private GuestImageFixture guest;
    private ShimContainerd fixture;
    private PrivateContainerd containerd;
    private String image;

    @BeforeAll
    void start() {
        guest = GuestImageFixture.require();
        fixture = ShimContainerd.start(Map.of("CAPSA_GUEST_MANIFEST", guest.manifest().toString()));
        containerd = fixture.containerd();
        image = fixture.image();
    }

    @AfterAll
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private final List<String> ids = new java.util.ArrayList<>();

    @AfterEach
    void nothingLeft() throws Exception {
        for (String id : ids) {
            containerd.ctr(CTR, "task", "rm", "-f", id);
            containerd.ctr(CTR, "containers", "rm", id);
            Path socket = ShimSocketAddress.of(containerd.grpcSocket().toString(), "default", id).socketPath();
            awaitTrue("no QEMU of " + id, () -> processesNaming(RUN_ROOT.resolve(id).toString()).isEmpty());
            awaitTrue("no shim daemon of " + id, () -> processesNaming(socket.toString()).isEmpty());
            awaitTrue("socket of " + id + " removed", () -> !Files.exists(socket));
            awaitTrue("state dir of " + id + " removed", () -> !Files.exists(RUN_ROOT.resolve(id)));
            assertThat(mountsContaining(id)).as("mounts of " + id).isEmpty();
        }
        ids.clear();
    }

    private String id(String id) {
        ids.add(id);
        return id;
    }

    @Test
    void ctrRunPrintsTheGuestKernelRelease() throws Exception {
        CommandResult run = containerd.ctr(CTR, "run", "--rm", "--runtime", CapsaShimBinary.RUNTIME, image,
                id("c1"), "uname", "-r");
        assertThat(run.exitCode()).as(run.describe()).isZero();
        String host = Commands.run(Duration.ofSeconds(10), List.of("uname", "-r")).stdout().trim();
        assertThat(run.stdout().trim()).as(run.describe()).isEqualTo(guest.kernelRelease()).isNotEqualTo(host);
    }

    @Test
    void exitCodesReachCtr() throws Exception {
        CommandResult run = containerd.ctr(CTR, "run", "--rm", "--runtime", CapsaShimBinary.RUNTIME, image,
                id("c3"), "sh", "-c", "echo out; echo err >&2; exit 3");
        assertThat(run.exitCode()).as(run.describe()).isEqualTo(3);
        assertThat(run.stdout()).as(run.describe()).contains("out");
        assertThat(run.stderr()).as(run.describe()).contains("err");
    }

    @Test
    void execAndKillADetachedTask() throws Exception {
        String id = id("c4");
        CommandResult run = containerd.ctr(CTR, "run", "-d", "--runtime", CapsaShimBinary.RUNTIME, image, id,
                "sleep", "3600");
        assertThat(run.exitCode()).as(run.describe()).isZero();

        CommandResult exec = containerd.ctr(CTR, "task", "exec", "--exec-id", "e1", id, "sh", "-c",
                "echo exec says hi; exit 5");
        assertThat(exec.stdout()).as(exec.describe()).contains("exec says hi");
        assertThat(exec.exitCode()).as(exec.describe()).isEqualTo(5);

        CommandResult kill = containerd.ctr(CTR, "task", "kill", "-s", "SIGKILL", id);
        assertThat(kill.exitCode()).as(kill.describe()).isZero();
        awaitTrue("task stopped", () -> containerd.ctr(CTR, "task", "ls").stdout().lines()
                .anyMatch(l -> l.startsWith(id) && l.contains("STOPPED")));
        CommandResult rm = containerd.ctr(CTR, "task", "rm", id);
        assertThat(rm.exitCode()).as(rm.describe()).isZero();
    }

    @Test
    void stdinPipedIntoCtrRunReachesTheProcess() throws Exception {
        List<String> ctr = containerd.ctrCommand("run", "--rm", "--runtime", CapsaShimBinary.RUNTIME, image,
                id("c6"), "sh", "-c", "read l; echo got:$l");
        String pipeline = "printf 'from stdin\\n' | " + String.join(" ", ctr.stream().map(CtrRunInVmTest::quote)
                .toList());
        CommandResult run = Commands.run(CTR, List.of("sh", "-c", pipeline));
        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.stdout()).as(run.describe()).contains("got:from stdin");
    }

    @Test
    void sigtermReachesTheProcessAndItsExitStatusIsReported() throws Exception {
        String id = id("c7");
        CommandResult run = containerd.ctr(CTR, "run", "-d", "--runtime", CapsaShimBinary.RUNTIME, image, id,
                "sh", "-c", "trap 'exit 143' TERM; touch /tmp/armed; while true; do sleep 1; done");
        assertThat(run.exitCode()).as(run.describe()).isZero();
        // RUNNING is not enough: a SIGTERM that arrives before the trap is set is dropped by the kernel (the shell
        // is its pid namespace's init and has no handler yet), and the task would never stop.
        awaitTrue("trap armed", () -> containerd.ctr(CTR, "task", "exec", "--exec-id", "armed" + System.nanoTime(),
                id, "test", "-e", "/tmp/armed").exitCode() == 0);
        CommandResult kill = containerd.ctr(CTR, "task", "kill", id); // SIGTERM by default
        assertThat(kill.exitCode()).as(kill.describe()).isZero();
        awaitTrue("task stopped", () -> containerd.ctr(CTR, "task", "ls").stdout().lines()
                .anyMatch(l -> l.startsWith(id) && l.contains("STOPPED")));
        CommandResult rm = containerd.ctr(CTR, "task", "rm", id);
        assertThat(rm.exitCode()).as(rm.describe()).isZero();
    }

    @Test
    void killingQemuEndsTheTaskAndTheShimCleansUp() throws Exception {
        String id = id("c8");
        CommandResult run = containerd.ctr(CTR, "run", "-d", "--runtime", CapsaShimBinary.RUNTIME, image, id,
                "sleep", "3600");
        assertThat(run.exitCode()).as(run.describe()).isZero();
        List<Long> qemu = processesNaming(RUN_ROOT.resolve(id).toString()).stream()
                .filter(pid -> cmdline(pid).contains("qemu-system")).toList();
        assertThat(qemu).as("the VM of " + id).hasSize(1);
        ProcessHandle.of(qemu.get(0)).ifPresent(ProcessHandle::destroyForcibly);

        awaitTrue("task stopped after QEMU died", () -> containerd.ctr(CTR, "task", "ls").stdout().lines()
                .anyMatch(l -> l.startsWith(id) && l.contains("STOPPED")));
        CommandResult rm = containerd.ctr(CTR, "task", "rm", id);
        assertThat(rm.exitCode()).as(rm.describe()).isZero();
    }

    private static String quote(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    @Test
    void ctrRunWithATerminalGetsAPtyAndItsSize() throws Exception {
        // ctr -t needs a terminal of its own: script(1) gives it one, sized 40x100 through stty first.
        List<String> ctr = containerd.ctrCommand("run", "-t", "--rm", "--runtime", CapsaShimBinary.RUNTIME, image,
                id("c9"), "sh", "-c", "tty; stty size");
        String inner = "stty rows 40 cols 100; " + String.join(" ", ctr.stream().map(CtrRunInVmTest::quote).toList());
        CommandResult run = Commands.run(CTR, List.of("script", "-qec", inner, "/dev/null"));
        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.stdout()).as(run.describe()).contains("/dev/pts/").contains("40 100");
    }

    private static List<Long> processesNaming(String text) {
        return ProcessHandle.allProcesses().filter(p -> cmdline(p.pid()).contains(text)).map(ProcessHandle::pid)
                .toList();
    }

    private static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException gone) {
            return "";
        }
    }

    private static List<String> mountsContaining(String id) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.contains("/capsa/sandboxes/" + id + "/") || l.contains("/default/" + id + "/rootfs"))
                .toList();
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + GONE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + GONE + ": " + what);
            }
            Thread.sleep(100); // clean-up happens in other processes; nothing to be notified by
        }
    }
}
