package capsa.e2e.vm;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.e2e.support.CapsaShimBinary;
import capsa.e2e.support.CommandResult;
import capsa.e2e.support.Commands;
import capsa.e2e.support.CtrEvents;
import capsa.e2e.support.PrivateContainerd;
import capsa.e2e.support.ShimContainerd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #5: a shim daemon killed with SIGKILL must not leave its VM running. containerd 1.6 notices the closed
 * connection and runs our {@code delete}, which kills the sandbox's QEMU (the one its pidfile names), unmounts and
 * removes the sandbox state; containerd then publishes the exit with the status {@code delete} reported (137 —
 * 255 would mean delete failed). One VM boot.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(900)
class ShimDeathInVmTest {

    private static final Duration CTR = Duration.ofMinutes(5);
    private static final Duration EXIT_EVENT = Duration.ofSeconds(90);

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

    @Test
    void sigkillOfTheShimDaemonLeavesNoVmBehind() throws Exception {
        String id = "dead-shim-1";
        try {
            CommandResult run = containerd.ctr(CTR, "run", "-d", "--runtime", CapsaShimBinary.RUNTIME, image, id,
                    "sleep", "3600");
            assertThat(run.exitCode()).as(run.describe()).isZero();
            List<Long> qemu = VmLeftovers.processesNaming(VmLeftovers.RUN_ROOT.resolve(id) + "/").stream()
                    .filter(pid -> VmLeftovers.cmdline(pid).contains("qemu-system")).toList();
            assertThat(qemu).as("the VM of " + id).hasSize(1);
            List<Long> daemon = VmLeftovers.processesNaming(VmLeftovers.socket(containerd, id).toString());
            assertThat(daemon).as("the shim daemon of " + id).isNotEmpty();

            try (CtrEvents events = containerd.subscribe()) {
                for (long pid : daemon) {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
                Optional<String> exit = events.await(l -> l.contains("/tasks/exit") && l.contains("\"" + id + "\""),
                        EXIT_EVENT);
                assertThat(exit).as("TaskExit for %s; events: %s", id, events.consumed()).isPresent();
                assertThat(exit.get()).as("delete's status reached containerd").contains("\"exit_status\":137");
            }

            // containerd dropped the dead task (or shows it stopped); rm must work either way.
            VmLeftovers.awaitTrue("task " + id + " not running", () -> containerd.ctr(CTR, "task", "ls").stdout()
                    .lines().noneMatch(l -> l.startsWith(id) && l.contains("RUNNING")));
            CommandResult taskRm = containerd.ctr(CTR, "task", "rm", id);
            assertThat(taskRm.exitCode() == 0 || taskRm.describe().contains("not found"))
                    .as(taskRm.describe()).isTrue();
            CommandResult containerRm = containerd.ctr(CTR, "containers", "rm", id);
            assertThat(containerRm.exitCode()).as(containerRm.describe()).isZero();

            VmLeftovers.awaitNoneFor(containerd, id);
            assertThat(qemu.stream().filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                    && VmLeftovers.cmdline(pid).contains("qemu-system"))).as("QEMU " + qemu).isEmpty();
        } finally {
            cleanUp(id);
        }
    }

    /**
     * Whatever a failed assertion left: the task, the container, (by pid) any process naming our sandbox, then
     * mounts below the sandbox directory and the directory itself.
     */
    private void cleanUp(String id) throws Exception {
        containerd.ctr(CTR, "task", "rm", "-f", id);
        containerd.ctr(CTR, "containers", "rm", id);
        Path sandbox = VmLeftovers.RUN_ROOT.resolve(id);
        for (long pid : VmLeftovers.processesNaming(sandbox + "/")) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        for (String line : VmLeftovers.mountsContaining(id)) {
            String mountPoint = line.split(" ")[5];
            if (mountPoint.startsWith(sandbox + "/")) {
                Commands.run(Duration.ofSeconds(30), List.of("umount", "-l", mountPoint));
            }
        }
        if (Files.isDirectory(sandbox) && VmLeftovers.mountsContaining(id).isEmpty()) {
            Commands.run(Duration.ofSeconds(30), List.of("rm", "-rf", "--one-file-system", sandbox.toString()));
        }
    }
}
