package capsa.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@link Ctr} helper proven with {@code io.containerd.runc.v2}: what a later shim test checks with
 * {@code io.containerd.capsa.v2} (exit codes reach ctr, exec, kill) holds for runc.
 */
@ExtendWith(BusyboxImageExtension.class)
@Timeout(300)
class CtrRuncTest {

    private static final String RUNC = "io.containerd.runc.v2";
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Traps SIGTERM (a PID 1 ignores signals it has no handler for), says it is ready, waits. */
    private static final String[] TRAP_TERM = {"sh", "-c", "trap 'echo got TERM; exit 42' TERM; echo ready; sleep 3600 & wait"};

    private static PrivateContainerd containerd;
    private static Ctr ctr;

    @BeforeAll
    static void start(BusyboxImage image) {
        HostBinaries.require(HostBinaries.RUNC_SHIM);
        HostBinaries.require(HostBinaries.RUNC);
        containerd = PrivateContainerd.start();
        image.importInto(containerd, "default");
        ctr = new Ctr(containerd, "default");
    }

    @AfterAll
    static void stop() {
        if (containerd != null) {
            containerd.close();
        }
    }

    @AfterEach
    void nothingLeftRunning() {
        assertThat(ctr.tasks()).isEmpty();
        assertThat(ctr.containers()).isEmpty();
    }

    @Test
    void exitCodesZeroAndThreeReachCtr() {
        CommandResult ok = ctr.run(BusyboxImage.REF, "exit0", RUNC, "sh", "-c", "echo hello; uname -s");
        CommandResult three = ctr.run(BusyboxImage.REF, "exit3", RUNC, "sh", "-c", "echo bye; exit 3");

        assertThat(ok.exitCode()).as(ok.describe()).isZero();
        assertThat(ok.stdout()).isEqualTo("hello\nLinux\n");
        assertThat(three.exitCode()).as(three.describe()).isEqualTo(3);
        assertThat(three.stdout()).isEqualTo("bye\n");
    }

    @Test
    void taskExecRunsInTheRunningContainer() throws InterruptedException {
        try (CtrRun run = ctr.start(BusyboxImage.REF, "exec1", RUNC, TRAP_TERM)) {
            assertThat(run.awaitLine("ready"::equals, WAIT)).as("%s", run.consumed()).isPresent();

            CommandResult exec = ctr.exec("exec1", "e1", "sh", "-c", "echo from exec; cat /proc/1/cmdline | tr '\\0' ' '; exit 5");

            assertThat(exec.exitCode()).as(exec.describe()).isEqualTo(5);
            assertThat(exec.stdout()).startsWith("from exec\nsh -c trap");
            ctr.kill("exec1", "SIGKILL").requireSuccess();
            assertThat(run.awaitExit(WAIT)).contains(137);
        }
    }

    @Test
    void sigtermReachesTheTaskAndItsExitCodeReachesCtr() throws InterruptedException {
        try (CtrRun run = ctr.start(BusyboxImage.REF, "term1", RUNC, TRAP_TERM)) {
            assertThat(run.awaitLine("ready"::equals, WAIT)).as("%s", run.consumed()).isPresent();

            ctr.kill("term1", "SIGTERM").requireSuccess();

            Optional<Integer> exit = run.awaitExit(WAIT);
            assertThat(run.awaitLine("got TERM"::equals, WAIT)).as("%s", run.consumed()).isPresent();
            assertThat(exit).contains(42);
        }
    }
}
