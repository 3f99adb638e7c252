package capsa.shim.manager;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep against real processes standing in for QEMU and the daemon: {@code sh} blocked on {@code read}, whose
 * command line carries the arguments the sweep looks for.
 */
class SandboxSweeperTest {

    @TempDir
    Path runRoot;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killWhatWeStarted() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** {@code sh -c 'read x' <args...>}: the extra args land in its command line, stdin keeps it waiting. */
    private Process standIn(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("sh", "-c", "read x", "stand-in"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        started.add(p);
        return p;
    }

    private Path sandbox(String sid, long qemuPid) throws IOException {
        Path vm = Files.createDirectories(runRoot.resolve(sid).resolve("vm"));
        Files.writeString(vm.resolve("qemu.pid"), qemuPid + "\n");
        Files.createFile(vm.resolve("qmp.sock"));
        Files.createDirectories(runRoot.resolve(sid).resolve("shared/c1/rootfs"));
        return runRoot.resolve(sid);
    }

    private SandboxSweeper sweeper() {
        return new SandboxSweeper(runRoot, Duration.ofSeconds(10));
    }

    @Test
    void killsTheVmItsPidfileNamesAndRemovesTheSandbox() throws Exception {
        Path pidFile = runRoot.resolve("s1/vm/qemu.pid").toAbsolutePath();
        Process qemu = standIn("-pidfile", pidFile.toString());
        Path dir = sandbox("s1", qemu.pid());

        SandboxSweeper.Result result = sweeper().sweep("s1", runRoot.resolve("no-daemon.sock"));

        assertThat(result.killedQemu()).contains(qemu.pid());
        assertThat(qemu.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(dir).doesNotExist();
        assertThat(sweeper().sweep("s1", runRoot.resolve("no-daemon.sock"))).isEqualTo(SandboxSweeper.Result.NOTHING);
    }

    @Test
    void aRecycledPidIsNotKilled() throws Exception {
        Process stranger = standIn("-pidfile", "/somewhere/else/qemu.pid");
        Path dir = sandbox("s2", stranger.pid());

        SandboxSweeper.Result result = sweeper().sweep("s2", runRoot.resolve("no-daemon.sock"));

        assertThat(result.killedQemu()).isEmpty();
        assertThat(stranger.isAlive()).isTrue();
        assertThat(dir).doesNotExist();
    }

    @Test
    void aProcessStartedAfterThePidfileWasWrittenIsNotOurs() throws Exception {
        Path pidFile = runRoot.resolve("s3/vm/qemu.pid").toAbsolutePath();
        Process newer = standIn("-pidfile", pidFile.toString());
        sandbox("s3", newer.pid());
        Files.setLastModifiedTime(pidFile, FileTime.from(Instant.now().minus(Duration.ofHours(1))));

        assertThat(SandboxSweeper.isOurQemu(newer.toHandle(), pidFile, Files.getLastModifiedTime(pidFile).toInstant()))
                .isFalse();
        assertThat(SandboxSweeper.isOurQemu(newer.toHandle(), pidFile, Instant.now())).isTrue();
    }

    @Test
    void aLiveDaemonKeepsItsSandbox() throws Exception {
        Path socket = runRoot.resolve("group.sock").toAbsolutePath();
        Process daemon = standIn("serve", "-socket", socket.toString());
        Path pidFile = runRoot.resolve("s4/vm/qemu.pid").toAbsolutePath();
        Process qemu = standIn("-pidfile", pidFile.toString());
        Path dir = sandbox("s4", qemu.pid());

        assertThat(sweeper().sweep("s4", socket)).isEqualTo(SandboxSweeper.Result.NOTHING);
        assertThat(qemu.isAlive()).isTrue();
        assertThat(dir.resolve("vm/qemu.pid")).exists();
        assertThat(daemon.isAlive()).isTrue();
    }

    @Test
    void aDaemonOfTheSameGroupIdUnderAnotherSocketKeepsTheSandbox() throws Exception {
        Process other = standIn("-namespace", "other", "-id", "s5", "-socket", "/elsewhere/x.sock", "serve");
        Path pidFile = runRoot.resolve("s5/vm/qemu.pid").toAbsolutePath();
        Process qemu = standIn("-pidfile", pidFile.toString());
        Path dir = sandbox("s5", qemu.pid());

        assertThat(sweeper().sweep("s5", runRoot.resolve("mine.sock"))).isEqualTo(SandboxSweeper.Result.NOTHING);
        assertThat(qemu.isAlive()).isTrue();
        assertThat(dir).exists();
        assertThat(other.isAlive()).isTrue();
        assertThat(SandboxSweeper.servesGroup(List.of("x", "-id", "s5", "-socket", "s", "serve"), "s6")).isFalse();
    }

    @Test
    void groupIdsThatAreNotPlainNamesAreRefused() {
        for (String bad : List.of("", ".", "..", "a/b", "../x")) {
            assertThat(sweeper().sandboxDir(bad)).as(bad).isEmpty();
        }
        assertThat(sweeper().sandboxDir("pod-1")).isEqualTo(Optional.of(runRoot.toAbsolutePath().resolve("pod-1")));
    }
}
