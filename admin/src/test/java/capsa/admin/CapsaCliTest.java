package capsa.admin;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.shim.sandbox.SandboxStateFile;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against scratch host trees, run roots and guest images (and once against this real host). */
class CapsaCliTest {

    private static final Instant NOW = Instant.parse("2026-11-29T14:00:00Z");

    @TempDir
    Path tmp;
    private Path host;
    private Path manifest;
    private final Map<String, String> env = new HashMap<>();
    private Predicate<Path> kvmUsable = q -> true;
    private CommandRunner commands = cmd -> Optional.of(cmd.get(0).endsWith("containerd")
            ? "containerd github.com/containerd/containerd 1.6.20" : "QEMU emulator version 7.2.19");

    record Run(int exit, String out, String err) {}

    @BeforeEach
    void scratch() throws IOException {
        host = Files.createDirectories(tmp.resolve("host"));
        Files.createDirectories(host.resolve("sys/fs/cgroup"));
        Files.writeString(host.resolve("sys/fs/cgroup/cgroup.controllers"), "cpu memory\n");
        manifest = guestImage(tmp.resolve("guest"));
        env.put("CAPSA_GUEST_MANIFEST", manifest.toString());
        env.put("CAPSA_RUN_ROOT", tmp.resolve("run").toString());
    }

    /** A guest image with a manifest naming its files relatively (as the release tarball's does). */
    static Path guestImage(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("vmlinux"), "kernel bytes");
        Files.writeString(dir.resolve("initramfs.cpio.gz"), "initramfs bytes");
        Path m = dir.resolve("manifest.properties");
        Files.writeString(m, "kernelRelease=6.1.0-57-amd64\nkernel=vmlinux\ninitramfs=initramfs.cpio.gz\n"
                + "kernelSha256=" + GuestImageCheck.sha256(dir.resolve("vmlinux")) + "\n"
                + "initramfsSha256=" + GuestImageCheck.sha256(dir.resolve("initramfs.cpio.gz")) + "\n");
        return m;
    }

    private Run run(String... args) {
        return run(host, args);
    }

    private Run run(Path root, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext ctx = new CliContext(Map.copyOf(env), tmp.resolve("etc/configuration.toml"), root,
                new PrintWriter(out), new PrintWriter(err), Clock.fixed(NOW, ZoneOffset.UTC), kvmUsable, commands);
        int exit = CapsaCli.commandLine(ctx).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static String row(String out, String check) {
        return out.lines().filter(l -> l.matches("^(PASS|WARN|FAIL)\\s+" + check + "\\s.*")).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + check + " in\n" + out));
    }

    @Test
    void checkOnADevelopmentMachineWarnsAboutKvmAndVsockAndPasses() {
        Run r = run("check");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(row(r.out(), "kvm")).startsWith("WARN").contains("no /dev/kvm").contains("TCG");
        assertThat(row(r.out(), "vhost-vsock")).startsWith("WARN").contains("virtio-serial");
        assertThat(row(r.out(), "qemu")).startsWith("PASS").contains("7.2.19");
        assertThat(row(r.out(), "containerd")).startsWith("PASS").contains("1.6.20");
        assertThat(row(r.out(), "guest image")).startsWith("PASS").contains("checksums match");
        assertThat(row(r.out(), "cgroups")).startsWith("PASS").contains("v2");
        assertThat(row(r.out(), "iommu")).startsWith("WARN");
        assertThat(r.out()).contains("ready (");
    }

    @Test
    void aKvmDeviceQemuCannotUseIsAWarningWithTheReason() throws IOException {
        Files.createDirectories(host.resolve("dev"));
        Files.writeString(host.resolve("dev/kvm"), "");
        kvmUsable = q -> false;
        Run r = run("check");
        assertThat(r.exit()).isZero();
        assertThat(row(r.out(), "kvm")).startsWith("WARN").contains("/dev/kvm exists but QEMU cannot run KVM vCPUs");
        kvmUsable = q -> true;
        assertThat(row(run("check").out(), "kvm")).startsWith("PASS");
    }

    @Test
    void whatTheConfigurationNeedsAndTheHostLacksFails() throws IOException {
        Path conf = Files.writeString(tmp.resolve("vsock.toml"),
                "[agent]\nchannel = \"vsock\"\n[hypervisor.qemu]\ncold_plug_vfio = \"root-port\"\n");
        Run r = run("check", "--config", conf.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(row(r.out(), "vhost-vsock")).startsWith("FAIL");
        assertThat(row(r.out(), "iommu")).startsWith("FAIL").contains("cold_plug_vfio");
        assertThat(r.out()).contains("2 check(s) failed");
    }

    @Test
    void aCorruptGuestImageMissingQemuOrABadConfigurationFail() throws IOException {
        Files.writeString(manifest.resolveSibling("vmlinux"), "tampered");
        commands = cmd -> cmd.get(0).endsWith("containerd") ? Optional.of("containerd 1.6.20") : Optional.empty();
        Run r = run("check");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(row(r.out(), "guest image")).startsWith("FAIL").contains("does not match its checksum");
        assertThat(row(r.out(), "qemu")).startsWith("FAIL");
        Path bad = Files.writeString(tmp.resolve("bad.toml"), "[hypervisor.qemu]\ndefault_vcpus = \"two\"\n");
        Run b = run("check", "-c", bad.toString());
        assertThat(b.exit()).isEqualTo(1);
        assertThat(row(b.out(), "configuration")).startsWith("FAIL").contains(bad.toString())
                .contains("[hypervisor.qemu] default_vcpus");
    }

    @Test
    void checkOnThisRealHostExitsZeroWhenTheGuestImageIsThere() {
        kvmUsable = q -> capsa.hypervisor.qemu.HostFacts.probe(q).kvm();
        commands = CommandRunner.system();
        Run r = run(Path.of("/"), "check");
        assertThat(row(r.out(), "kvm")).matches("^(PASS|WARN).*");
        assertThat(row(r.out(), "vhost-vsock")).matches("^(PASS|WARN).*");
        assertThat(r.exit()).as(r.out()).isZero();
    }

    @Test
    void envPrintsEveryValueWithItsSource() throws IOException {
        Path conf = Files.writeString(tmp.resolve("c.toml"), "[hypervisor.qemu]\ndefault_vcpus = 2\nfoo = 1\n");
        Run r = run("env", "-c", conf.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("# configuration: " + conf)
                .contains("# warning: " + conf + ": [hypervisor.qemu] foo: unknown key, ignored")
                .contains("[hypervisor.qemu]\npath = \"/usr/bin/qemu-system-x86_64\"  # default")
                .contains("default_vcpus = 2  # " + conf)
                .contains("guest_manifest = \"" + manifest + "\"  # env CAPSA_GUEST_MANIFEST")
                .contains("[runtime]");
    }

    @Test
    void envWithAnnotationsShowsThePodOrWhyItIsRefused() throws IOException {
        Path conf = Files.writeString(tmp.resolve("c.toml"),
                "[hypervisor.qemu]\nenable_annotations = [\"default_memory\"]\n");
        Run ok = run("env", "-c", conf.toString(), "-a", "io.capsa.config.hypervisor.default_memory=1024");
        assertThat(ok.out()).contains("default_memory = 1024  # annotation io.capsa.config.hypervisor.default_memory");
        Run refused = run("env", "-c", conf.toString(), "-a", "io.katacontainers.config.hypervisor.default_vcpus=4");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("annotation io.katacontainers.config.hypervisor.default_vcpus refused");
    }

    @Test
    void psListsSandboxesFromTheRunRoot() throws IOException {
        Path run = tmp.resolve("run");
        Path sb = Files.createDirectories(run.resolve("pod1"));
        Files.createDirectories(sb.resolve("shared/pod1/rootfs"));
        Files.createDirectories(sb.resolve("shared/web/rootfs"));
        new SandboxStateFile("pod1", ProcessHandle.current().pid(), "qemu", 2, 1024,
                NOW.minus(Duration.ofMinutes(61)), "default").write(sb, new ObjectMapper());
        Files.createDirectories(run.resolve("pod2"));
        Run r = run("ps");
        assertThat(r.exit()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).startsWith("SANDBOX").contains("VM PID").contains("CONTAINERS");
        assertThat(lines.get(1)).matches("pod1\\s+" + ProcessHandle.current().pid()
                + "\\s+running\\s+2\\s+1024MiB\\s+1h1m\\s+pod1,web");
        assertThat(lines.get(2)).matches("pod2\\s+-\\s+booting.*");
    }

    @Test
    void psOnAnEmptyNodeSaysSo() {
        assertThat(run("ps").out()).startsWith("no sandboxes in " + tmp.resolve("run"));
    }

    @Test
    void logsPrintsTheConsoleLog() throws IOException {
        Path sb = Files.createDirectories(tmp.resolve("run/pod1"));
        Files.writeString(sb.resolve("console.log"), "[    0.000000] Linux version 6.1\nCAPSA-GUEST-UP\nlast\n");
        assertThat(run("logs", "pod1").out()).isEqualTo("[    0.000000] Linux version 6.1\nCAPSA-GUEST-UP\nlast\n");
        assertThat(run("logs", "pod1", "-n", "1").out()).isEqualTo("last\n");
        Run missing = run("logs", "nope");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("no sandbox nope");
        assertThat(run("logs", "../../etc").exit()).isEqualTo(1);
    }

    @Test
    void gpuListAndVersionRun() {
        Run gpu = run("gpu", "list");
        assertThat(gpu.exit()).isZero();
        assertThat(gpu.out()).contains("BDF").contains("no GPUs or vfio-pci devices under " + host.resolve("sys"));
        Run v = run("version");
        assertThat(v.out()).contains("capsa:").contains("shim:").contains("qemu:       QEMU emulator version 7.2.19");
        assertThat(run().exit()).isNotZero();
    }
}
