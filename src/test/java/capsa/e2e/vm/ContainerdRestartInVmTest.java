package capsa.e2e.vm;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.e2e.support.CapsaShimBinary;
import capsa.e2e.support.CommandResult;
import capsa.e2e.support.PrivateContainerd;
import capsa.e2e.support.ShimContainerd;
import capsa.proto.containerd.task.v2.KillRequest;
import capsa.proto.containerd.task.v2.WaitRequest;
import capsa.proto.containerd.task.v2.WaitResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * containerd 1.6 is stopped and started again while a task runs in a VM: the shim daemon (and its VM) keep running,
 * containerd reconnects through the bundle's {@code address} file, {@code ctr task ls} (State) and {@code ctr task ps}
 * (Pids) answer from the same shim, and the TaskExit of a process that ended while containerd was down reaches the
 * restarted containerd through the shim's event queue.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(900)
class ContainerdRestartInVmTest {

    private static final Duration CTR = Duration.ofMinutes(5);
    private static final int SIGKILL = 9;

    private ShimContainerd fixture;
    private PrivateContainerd containerd;
    private String image;

    @BeforeAll
    void start() {
        GuestImageFixture guest = GuestImageFixture.require();
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
    void theShimOutlivesAContainerdRestartAndItsQueuedExitEventArrives() throws Exception {
        String id = "restart1";
        try {
            CommandResult run = containerd.ctr(CTR, "run", "-d", "--runtime", CapsaShimBinary.RUNTIME, image, id,
                    "sleep", "3600");
            assertThat(run.exitCode()).as(run.describe()).isZero();
            CommandResult exec = containerd.ctr(CTR, "task", "exec", "-d", "--exec-id", "e1", id, "sleep", "3600");
            assertThat(exec.exitCode()).as(exec.describe()).isZero();
            Path bundle = VmLeftovers.bundle(containerd, id);
            long shimPid = Long.parseLong(Files.readString(bundle.resolve("shim.pid"), StandardCharsets.US_ASCII)
                    .trim());
            String initPid = taskPid(id);

            containerd.stopDaemon();
            // containerd is down: the exec ends now, so its TaskExit can only be queued in the shim.
            try (ShimTaskClient client = ShimTaskClient.forBundle(bundle)) {
                client.task().kill(KillRequest.newBuilder().setId(id).setExecId("e1").setSignal(SIGKILL).build());
                WaitResponse exit = client.task().wait(WaitRequest.newBuilder().setId(id).setExecId("e1").build());
                assertThat(exit.getExitStatus()).as("exit status of the killed exec").isEqualTo(128 + SIGKILL);
            }
            int logBeforeRestart = containerd.logText().length();
            assertThat(ProcessHandle.of(shimPid).map(ProcessHandle::isAlive)).as("shim daemon while containerd is down")
                    .contains(true);

            containerd.startDaemon();

            // Reconnected through <bundle>/address: State and Pids answer from the same, still running shim and VM.
            CommandResult ls = containerd.ctr(CTR, "task", "ls");
            assertThat(ls.stdout().lines().filter(l -> l.startsWith(id + " ")))
                    .as(ls.describe()).singleElement().satisfies(l -> assertThat(l).contains(initPid, "RUNNING"));
            CommandResult ps = containerd.ctr(CTR, "task", "ps", id);
            assertThat(ps.exitCode()).as(ps.describe()).isZero();
            assertThat(ps.stdout().lines().skip(1).map(l -> l.trim().split("\\s+")[0]).toList())
                    .as(ps.describe()).contains(initPid);
            assertThat(ProcessHandle.of(shimPid).map(ProcessHandle::isAlive)).as("the same shim daemon").contains(true);
            assertThat(Files.readString(bundle.resolve("shim.pid"), StandardCharsets.US_ASCII).trim())
                    .isEqualTo(Long.toString(shimPid));

            // The exec's exit, queued during the outage, is forwarded to the restarted containerd (its debug log
            // records every forwarded event with its topic).
            VmLeftovers.awaitTrue("/tasks/exit forwarded after the restart", () -> forwardedSince(logBeforeRestart)
                    .stream().anyMatch(l -> l.contains("topic=/tasks/exit")));

            // And the task still works end to end after the restart.
            CommandResult exec2 = containerd.ctr(CTR, "task", "exec", "--exec-id", "e2", id, "sh", "-c", "exit 4");
            assertThat(exec2.exitCode()).as(exec2.describe()).isEqualTo(4);
            CommandResult kill = containerd.ctr(CTR, "task", "kill", "-s", "SIGKILL", id);
            assertThat(kill.exitCode()).as(kill.describe()).isZero();
            VmLeftovers.awaitTrue("task stopped", () -> containerd.ctr(CTR, "task", "ls").stdout().lines()
                    .anyMatch(l -> l.startsWith(id + " ") && l.contains("STOPPED")));
            CommandResult rm = containerd.ctr(CTR, "task", "rm", id);
            assertThat(rm.exitCode()).as(rm.describe()).isZero();
        } finally {
            containerd.ctr(CTR, "task", "rm", "-f", id);
            containerd.ctr(CTR, "containers", "rm", id);
        }
        VmLeftovers.awaitNoneFor(containerd, id);
    }

    private String taskPid(String id) {
        CommandResult ls = containerd.ctr(CTR, "task", "ls");
        return ls.stdout().lines().filter(l -> l.startsWith(id + " ")).map(l -> l.trim().split("\\s+")[1])
                .findFirst().orElseThrow(() -> new AssertionError("no task " + id + ": " + ls.describe()));
    }

    private List<String> forwardedSince(int offset) {
        String log = containerd.logText();
        return log.substring(Math.min(offset, log.length())).lines().filter(l -> l.contains("event forwarded"))
                .toList();
    }
}
