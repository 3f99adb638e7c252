package capsa.e2e.shim;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.e2e.support.CapsaShimBinary;
import capsa.e2e.support.CommandResult;
import capsa.e2e.support.PrivateContainerd;
import capsa.e2e.support.ShimContainerd;
import capsa.shim.manager.GroupLock;
import capsa.shim.manager.ShimSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * containerd 1.6 runs our binary: {@code start} through the launcher found on containerd's PATH, a ttrpc
 * connection to the daemon, Create failing (no guest image configured) before any VM exists, then
 * containerd's own clean-up (Shutdown, {@code delete}) — after which nothing of ours may be left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class ShimContainerdTest {

    private static final Duration CTR_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration GONE_TIMEOUT = Duration.ofSeconds(60);

    private ShimContainerd fixture;
    private PrivateContainerd containerd;
    private String image;

    @BeforeAll
    void start() {
        // No guest image: Create must fail before any VM exists, and cleanly.
        fixture = ShimContainerd.start(Map.of("CAPSA_GUEST_MANIFEST", "/nonexistent/capsa/manifest.properties"));
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
    void ctrRunFailsCleanlyWithoutAGuestImageAndContainerdCleansUpThroughDelete() throws Exception {
        String id = "c1";
        Path socket = ShimSocketAddress.of(containerd.grpcSocket().toString(), "default", id).socketPath();
        Path bundle = containerd.dir().resolve("state/io.containerd.runtime.v2.task/default").resolve(id);

        CommandResult run = containerd.ctr(CTR_TIMEOUT, "run", "--runtime", CapsaShimBinary.RUNTIME, image, id,
                "true");
        try {
            assertThat(run.exitCode()).as(run.describe()).isNotZero();
            // The Task service's UNAVAILABLE reached ctr with its reason.
            assertThat(run.stderr()).as(run.describe())
                    .contains("guest manifest /nonexistent/capsa/manifest.properties is not readable");
            assertThat(run.stderr()).as("start worked: the failure is the Create RPC, not the shim binary")
                    .doesNotContain("failed to start shim");

            awaitTrue("no shim daemon for " + socket, () -> daemonsNaming(socket.toString()).isEmpty());
            awaitTrue("socket removed", () -> !Files.exists(socket));
            assertThat(GroupLock.lockFileFor(socket)).doesNotExist();
            awaitTrue("bundle removed by containerd", () -> !Files.exists(bundle));
            assertThat(Path.of("/run/capsa/sandboxes").resolve(id)).as("no sandbox dir of a failed Create")
                    .doesNotExist();
            assertThat(containerd.logText()).as("the daemon logged into containerd's log through the FIFO")
                    .contains("msg=\"shim " + id + " serving default");
        } finally {
            containerd.ctr(CTR_TIMEOUT, "containers", "rm", id);
        }
    }

    private static List<Long> daemonsNaming(String text) {
        return ProcessHandle.allProcesses()
                .filter(p -> cmdline(p.pid()).contains(text))
                .map(ProcessHandle::pid)
                .toList();
    }

    private static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException gone) {
            return "";
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + GONE_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + GONE_TIMEOUT + ": " + what);
            }
            Thread.sleep(50); // cleanup happens in other processes; nothing here to be notified by
        }
    }
}
