package capsa.e2e.vm;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.e2e.support.CapsaShimBinary;
import capsa.e2e.support.CommandResult;
import capsa.e2e.support.Commands;
import capsa.e2e.support.PrivateContainerd;
import capsa.e2e.support.ScratchDir;
import capsa.e2e.support.ShimContainerd;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The VM boots but its agent never answers: a guest image whose {@code /init} only sleeps (our kernel, a busybox
 * initramfs without the agent) and a 15 s agent timeout. {@code ctr run} must fail with the shim's dial error, and
 * the VM, the shim and every directory, socket and mount of the task must be gone afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class AgentUnreachableAtBootTest {

    private static final Duration CTR = Duration.ofMinutes(5);
    private static final String AGENT_TIMEOUT_SECONDS = "15";

    private ScratchDir guestDir;
    private ShimContainerd fixture;
    private PrivateContainerd containerd;
    private String image;

    @BeforeAll
    void start() throws Exception {
        GuestImageFixture guest = GuestImageFixture.require();
        guestDir = ScratchDir.create();
        Path manifest = writeAgentlessImage(guestDir.path(), guest);
        fixture = ShimContainerd.start(Map.of("CAPSA_GUEST_MANIFEST", manifest.toString(),
                "CAPSA_AGENT_TIMEOUT_SECONDS", AGENT_TIMEOUT_SECONDS));
        containerd = fixture.containerd();
        image = fixture.image();
    }

    @AfterAll
    void stop() {
        try {
            if (fixture != null) {
                fixture.close();
            }
        } finally {
            if (guestDir != null) {
                guestDir.close();
            }
        }
    }

    @Test
    void createFailsWithTheDialErrorAndTheVmIsTornDown() throws Exception {
        String id = "noagent1";
        try {
            CommandResult run = containerd.ctr(CTR, "run", "--rm", "--runtime", CapsaShimBinary.RUNTIME, image, id,
                    "true");
            assertThat(run.exitCode()).as(run.describe()).isNotZero();
            assertThat(run.stderr()).as(run.describe())
                    .contains("agent of " + id + " unreachable")
                    .contains("AgentDialException", "did not answer within PT" + AGENT_TIMEOUT_SECONDS + "S")
                    .doesNotContain("failed to start shim");
            System.out.println("AGENT-UNREACHABLE ctr said: " + run.stderr().strip());
        } finally {
            containerd.ctr(CTR, "task", "rm", "-f", id);
            containerd.ctr(CTR, "containers", "rm", id);
        }
        VmLeftovers.awaitNoneFor(containerd, id);
        assertThat(VmLeftovers.processesNaming("qemu-system").stream().map(VmLeftovers::cmdline)
                .filter(c -> c.contains(guestDir.path().toString()))).as("no QEMU booting our image").isEmpty();
    }

    /** Our kernel with an initramfs whose /init never starts an agent: it sleeps until the VM is killed. */
    private static Path writeAgentlessImage(Path dir, GuestImageFixture guest) throws IOException, InterruptedException {
        java.util.Properties agentImage = new java.util.Properties();
        try (var in = Files.newInputStream(guest.manifest())) {
            agentImage.load(in);
        }
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"));
        Path init = root.resolve("init");
        Files.writeString(init, "#!/bin/busybox sh\necho no agent in this guest\nexec /bin/busybox sleep 100000\n",
                StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path initramfs = dir.resolve("initramfs.cpio.gz");
        CommandResult cpio = Commands.run(Duration.ofMinutes(1), List.of("sh", "-c",
                "cd '" + root + "' && find . | cpio -o -H newc --quiet | gzip -1 > '" + initramfs + "'"));
        cpio.requireSuccess();
        Path manifest = dir.resolve("manifest.properties");
        Files.writeString(manifest, "kernel=" + agentImage.getProperty("kernel") + "\ninitramfs=" + initramfs
                + "\nkernelRelease=" + guest.kernelRelease() + "\n", StandardCharsets.UTF_8);
        return manifest;
    }
}
