package capsa.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fixtures themselves: they start real peers and leave nothing behind. */
@Timeout(180)
class FixturesTest {

    @Test
    void privateContainerdServesCtrAndLeavesNothingBehind() {
        boolean runContainerdExisted = Files.exists(RunContainerdLeftovers.RUN_CONTAINERD);
        Path dir;
        long pid;
        try (PrivateContainerd containerd = PrivateContainerd.start()) {
            dir = containerd.dir();
            pid = containerd.pid();
            assertThat(containerd.grpcSocket().toString().length()).isLessThan(107);
            CommandResult version = containerd.ctr(Duration.ofSeconds(30), "version").requireSuccess();
            assertThat(version.stdout()).contains("Server:").contains("1.");
        }
        assertThat(ProcessHandle.of(pid)).isEmpty();
        assertThat(dir).doesNotExist();
        if (!runContainerdExisted) {
            assertThat(RunContainerdLeftovers.RUN_CONTAINERD).doesNotExist();
        }
    }

    @Test
    void ctrEventsIsProvablySubscribed() throws InterruptedException {
        try (PrivateContainerd containerd = PrivateContainerd.start(); CtrEvents events = containerd.subscribe()) {
            containerd.ctr(Duration.ofSeconds(30), "namespaces", "create", "after-subscribe").requireSuccess();

            assertThat(events.await(line -> line.contains("after-subscribe"), Duration.ofSeconds(30)))
                    .as("lines seen: %s", events.consumed())
                    .hasValueSatisfying(line -> assertThat(line).contains("/namespaces/create"));
        }
    }

    @Test
    void runcShimStartsLikeContainerdDoesAndIsGoneAfterClose() throws IOException {
        boolean runContainerdExisted = Files.exists(RunContainerdLeftovers.RUN_CONTAINERD);
        Path socket;
        Path bundle;
        long pid;
        try (RuncShim shim = RuncShim.start("capsa-e2e", "fixture-1")) {
            socket = shim.socketPath();
            bundle = shim.bundle();
            pid = shim.pid();
            assertThat(socket).startsWith(Path.of("/run/containerd/s"));
            assertThat(Files.readAttributes(socket, BasicFileAttributes.class).isOther()).as("%s is a socket", socket).isTrue();
            assertThat(shim.isAlive()).isTrue();
            assertThat(Path.of("/proc/" + pid + "/cwd").toRealPath()).isEqualTo(bundle.toRealPath());
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
        assertThat(socket).doesNotExist();
        assertThat(bundle).doesNotExist();
        if (!runContainerdExisted) {
            assertThat(RunContainerdLeftovers.RUN_CONTAINERD).doesNotExist();
        }
    }

    @Test
    void aMissingGoBinaryFailsInsteadOfSkipping() {
        assertThatThrownBy(() -> HostBinaries.require(Path.of("/usr/bin/containerd-not-installed")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("scripts/setup.sh");
    }

    @Test
    void recognisesOnlyTheDaemonCommandLine() {
        List<String> daemon = List.of("/usr/bin/containerd-shim-runc-v2", "-namespace", "ns", "-id", "a", "-address", "/tmp/x/c.sock");
        List<String> starter = List.of("/usr/bin/containerd-shim-runc-v2", "-namespace", "ns", "-address", "/tmp/x/c.sock",
                "-publish-binary", "/usr/bin/containerd", "-id", "a", "start");

        assertThat(RuncShim.isDaemonCommandLine(daemon, "/tmp/x/c.sock", "a")).isTrue();
        assertThat(RuncShim.isDaemonCommandLine(daemon, "/tmp/y/c.sock", "a")).isFalse();
        assertThat(RuncShim.isDaemonCommandLine(daemon, "/tmp/x/c.sock", "b")).isFalse();
        assertThat(RuncShim.isDaemonCommandLine(starter, "/tmp/x/c.sock", "a")).isFalse();
    }
}
