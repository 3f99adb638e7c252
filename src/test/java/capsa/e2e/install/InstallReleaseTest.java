package capsa.e2e.install;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.e2e.cri.CriHarness;
import capsa.e2e.cri.CriPod;
import capsa.e2e.cri.ExecResult;
import capsa.e2e.guest.AgentGuestImage;
import capsa.e2e.support.BusyboxImage;
import capsa.e2e.support.BusyboxImageExtension;
import capsa.e2e.support.CapsaShimBinary;
import capsa.e2e.support.CommandResult;
import capsa.e2e.support.Commands;
import capsa.e2e.support.ContainerdConfig;
import capsa.e2e.support.CriPlugin;
import capsa.e2e.support.PrivateContainerd;
import capsa.e2e.support.RuntimeHandler;
import capsa.e2e.support.ScratchDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
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
 * Builds the release tarball from this build ({@code scripts/release.sh --no-build}: the reactor packaged the jars,
 * {@link AgentGuestImage} the guest), installs it into a scratch prefix with scratch containerd and Capsa config
 * paths, then runs a container in a VM with ctr and a CRI pod through the installed shim only, and uninstalls.
 */
@ExtendWith(BusyboxImageExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(1200)
class InstallReleaseTest {

    private static final Duration BUILD = Duration.ofMinutes(10);
    private static final Duration CTR = Duration.ofMinutes(5);
    private static final Path RUN_ROOT = Path.of("/run/capsa/sandboxes");

    private ScratchDir scratch;
    private Path prefix;
    private Path bin;
    private Path config;
    private Path containerdConfig;
    private Path dropin;
    private String kernelRelease;

    @BeforeAll
    void buildAndInstall() throws IOException {
        kernelRelease = AgentGuestImage.get().manifest().getProperty("kernelRelease");
        Path repo = repoRoot();
        for (String jar : List.of("shim/target/capsa-shim.jar", "admin/target/capsa-admin.jar")) {
            assertThat(repo.resolve(jar)).as(jar + ": run `mvn -pl shim,admin -am package -DskipTests` first "
                    + "(mvn verify does it before these tests)").isRegularFile();
        }
        scratch = ScratchDir.create();
        CommandResult release = Commands.run(BUILD, List.of(repo.resolve("scripts/release.sh").toString(),
                "--no-build", "--out", scratch.resolve("release").toString()));
        assertThat(release.exitCode()).as(release.describe()).isZero();
        Path tarball = Path.of(release.stdout().trim());
        assertThat(tarball.getFileName().toString()).matches("capsa-.*-linux-amd64\\.tar\\.gz");

        Path unpacked = Files.createDirectories(scratch.resolve("unpacked"));
        Commands.run(BUILD, List.of("tar", "-xzf", tarball.toString(), "-C", unpacked.toString(),
                "--strip-components=1")).requireSuccess();
        Files.delete(tarball);
        prefix = scratch.resolve("opt/capsa");
        bin = scratch.resolve("bin");
        config = scratch.resolve("etc/capsa/configuration.toml");
        containerdConfig = scratch.resolve("etc/containerd/config.toml");
        dropin = scratch.resolve("etc/containerd/conf.d/capsa.toml");
        CommandResult install = Commands.run(BUILD, List.of(unpacked.resolve("install.sh").toString(),
                "--prefix", prefix.toString(), "--bin-dir", bin.toString(), "--config", config.toString(),
                "--containerd-config", containerdConfig.toString(), "--dropin-dir", dropin.getParent().toString()));
        assertThat(install.exitCode()).as(install.describe()).isZero();
        Commands.run(BUILD, List.of("rm", "-rf", unpacked.toString())).requireSuccess();
    }

    @AfterAll
    void cleanUp() {
        if (scratch != null) {
            scratch.close();
        }
    }

    private static Path repoRoot() {
        Path d = Path.of("").toAbsolutePath();
        while (d != null && !Files.isRegularFile(d.resolve("scripts/release.sh"))) {
            d = d.getParent();
        }
        assertThat(d).as("repository root").isNotNull();
        return d;
    }

    @Test
    @Order(1)
    void theInstallationIsSelfContainedAndRegisteredWithContainerd() throws IOException {
        assertThat(prefix.resolve("jre/bin/java")).isExecutable();
        assertThat(prefix.resolve("lib/capsa-shim/capsa-shim.jar")).isRegularFile();
        assertThat(prefix.resolve("share/guest/manifest.properties")).isRegularFile();
        assertThat(Files.readSymbolicLink(bin.resolve(CapsaShimBinary.BINARY)))
                .isEqualTo(prefix.resolve("bin").resolve(CapsaShimBinary.BINARY));
        assertThat(config).hasContent(Files.readString(prefix.resolve("share/defaults/configuration.toml")));
        assertThat(Files.readString(containerdConfig)).contains("imports = [\"" + dropin + "\"]");

        // containerd itself reads the result: the handler, its options and the annotations it passes on.
        CommandResult dump = Commands.run(Duration.ofSeconds(60), List.of("containerd", "--config",
                containerdConfig.toString(), "config", "dump"));
        assertThat(dump.exitCode()).as(dump.describe()).isZero();
        assertThat(dump.stdout()).contains("containerd.runtimes.capsa]")
                .contains("runtime_type = \"io.containerd.capsa.v2\"")
                .contains("ConfigPath = \"" + config + "\"").contains("\"io.capsa.config.*\"");
    }

    @Test
    @Order(2)
    void theInstalledCliChecksTheNodeAndShowsTheConfiguration() {
        CommandResult check = Commands.run(CTR, List.of(bin.resolve("capsa").toString(), "check", "-c",
                config.toString()));
        assertThat(check.exitCode()).as(check.describe()).isZero();
        assertThat(check.stdout()).containsPattern("PASS\\s+guest image\\s+" + prefix.resolve("share/guest"))
                .containsPattern("(PASS|WARN)\\s+kvm").containsPattern("PASS\\s+configuration\\s+" + config);
        CommandResult env = Commands.run(CTR, List.of(bin.resolve("capsa").toString(), "env", "-c",
                config.toString()));
        assertThat(env.stdout()).as(env.describe()).contains("default_vcpus = 1  # " + config);
    }

    @Test
    @Order(3)
    void ctrRunsAContainerInAVmThroughTheInstalledShim() throws Exception {
        String id = "capsa-installed-1";
        String refusedId = "capsa-refused-1";
        // containerd finds the shim through the link on its PATH; nothing of the build tree is on it.
        String path = bin + ":" + System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        try (PrivateContainerd containerd = PrivateContainerd.start(ContainerdConfig.plain()
                .withEnv(Map.of("PATH", path, "CAPSA_CONFIG", config.toString())))) {
            String image = BusyboxImage.buildAndImport(containerd, "default");
            try {
                // The default configuration allows kernel_params (enable_annotations) and nothing else.
                CommandResult refused = containerd.ctr(CTR, "run", "--rm", "--annotation",
                        "io.capsa.config.hypervisor.default_memory=4096", "--runtime", CapsaShimBinary.RUNTIME, image,
                        refusedId, "true");
                assertThat(refused.exitCode()).as(refused.describe()).isNotZero();
                assertThat(refused.stdout() + refused.stderr()).as(refused.describe())
                        .contains("annotation io.capsa.config.hypervisor.default_memory refused")
                        .contains("not in enable_annotations");
                CommandResult run = containerd.ctr(CTR, "run", "-d", "--annotation",
                        "io.capsa.config.hypervisor.kernel_params=capsa.e2e=installed", "--runtime",
                        CapsaShimBinary.RUNTIME, image, id, "sleep", "3600");
                assertThat(run.exitCode()).as(run.describe() + "\n" + containerd.logText()).isZero();
                CommandResult uname = containerd.ctr(CTR, "task", "exec", "--exec-id", "u", id, "uname", "-r");
                assertThat(uname.stdout().trim()).as(uname.describe()).isEqualTo(kernelRelease);
                assertThat(shimCommandLines(id)).as("the shim daemon runs on the installed Java and jar")
                        .isNotEmpty().allSatisfy(l -> {
                            assertThat(Path.of(l.split(" ")[0]).normalize()).isEqualTo(prefix.resolve("jre/bin/java"));
                            assertThat(l).contains(prefix.resolve("lib/capsa-shim/capsa-shim.jar").getFileName()
                                    .toString());
                        });

                CommandResult ps = Commands.run(CTR, List.of(bin.resolve("capsa").toString(), "ps"));
                assertThat(ps.stdout()).as(ps.describe()).containsPattern(id + "\\s+\\d+\\s+running\\s+1\\s+512MiB");
                CommandResult logs = Commands.run(CTR, List.of(bin.resolve("capsa").toString(), "logs", id));
                assertThat(logs.stdout()).as(logs.describe()).contains("CAPSA-GUEST-UP").contains(kernelRelease);
                CommandResult cmdline = containerd.ctr(CTR, "task", "exec", "--exec-id", "k", id, "cat",
                        "/proc/cmdline");
                assertThat(cmdline.stdout()).as("kernel_params from an allowed annotation: " + cmdline.describe())
                        .contains("capsa.e2e=installed");
            } finally {
                for (String c : List.of(id, refusedId)) {
                    containerd.ctr(CTR, "task", "rm", "-f", c);
                    containerd.ctr(CTR, "containers", "rm", c);
                }
            }
            awaitTrue("sandbox dirs removed", () -> !Files.exists(RUN_ROOT.resolve(id))
                    && !Files.exists(RUN_ROOT.resolve(refusedId)));
        }
    }

    @Test
    @Order(4)
    void aCriPodRunsThroughTheInstalledShimWithTheConfigPathOption(BusyboxImage busybox) throws Exception {
        // A config only the handler's ConfigPath option names: the VM's size proves the shim read it.
        Path podConfig = Files.writeString(scratch.resolve("cri-configuration.toml"),
                "[hypervisor.qemu]\ndefault_memory = 384\n");
        String path = bin + ":" + System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        try (CriHarness harness = CriHarness.start(busybox, ContainerdConfig
                .withCri(CriPlugin.runcOnly().withRuntime(RuntimeHandler.capsa().withConfigPath(podConfig)))
                .withEnv(Map.of("PATH", path)))) {
            CriPod pod = harness.runHostNetworkPod("installed", RuntimeHandler.capsa().name());
            try {
                String c = pod.startContainer("c", BusyboxImage.REF, "sleep", "3600");
                ExecResult uname = harness.cri().execSync(c, CTR, "uname", "-r");
                assertThat(uname.stdout().trim()).as(uname.toString()).isEqualTo(kernelRelease);
                CommandResult ps = Commands.run(CTR, List.of(bin.resolve("capsa").toString(), "ps"));
                assertThat(ps.stdout()).as(ps.describe())
                        .containsPattern(pod.id() + "\\s+\\d+\\s+running\\s+1\\s+384MiB");
            } finally {
                pod.close();
            }
            awaitTrue("sandbox dir of the pod removed", () -> !Files.exists(RUN_ROOT.resolve(pod.id())));
        }
    }

    @Test
    @Order(5)
    void uninstallRemovesEverythingItInstalled() {
        CommandResult un = Commands.run(CTR, List.of(prefix.resolve("uninstall.sh").toString()));
        assertThat(un.exitCode()).as(un.describe()).isZero();
        assertThat(prefix).doesNotExist();
        assertThat(bin.resolve(CapsaShimBinary.BINARY)).doesNotExist();
        assertThat(bin.resolve("capsa")).doesNotExist();
        assertThat(dropin).doesNotExist();
        assertThat(containerdConfig).doesNotExist();
        assertThat(config).doesNotExist();
    }

    private static List<String> shimCommandLines(String id) {
        List<String> out = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            try {
                String cmd = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).replace('\0', ' ');
                boolean shim = cmd.contains("capsa.shim") || cmd.contains("capsa-shim.jar");
                if (shim && cmd.contains(" -id " + id + " ")) {
                    out.add(cmd);
                }
            } catch (IOException gone) {
                // exited meanwhile
            }
        });
        return out;
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 90 s: " + what);
            }
            Thread.sleep(200); // clean-up happens in other processes; nothing to be notified by
        }
    }
}
