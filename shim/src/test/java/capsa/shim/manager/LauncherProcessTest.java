package capsa.shim.manager;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.proto.containerd.runtime.bootstrap.v1.BootstrapParams;
import capsa.proto.containerd.runtime.bootstrap.v1.BootstrapResult;
import capsa.proto.containerd.task.v2.DeleteResponse;
import capsa.proto.containerd.types.RuntimeInfo;
import capsa.proto.runtimeoptions.v1.Options;
import capsa.proto.util.AnyCodec;
import capsa.shim.testing.ScratchBundles;
import capsa.shim.testing.ShimLauncher;
import capsa.shim.testing.ShimRun;
import com.google.protobuf.Any;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The binary contract end to end: the real launcher script, a real JVM per call, real daemons in their own sessions,
 * real sockets under /run/containerd/s. containerd's side (bundle, log FIFO, argv) is played by the test.
 */
@Timeout(300)
class LauncherProcessTest {

    private static final String NS = "capsa-test";

    private ScratchBundles scratch;

    @BeforeEach
    void setUp() {
        scratch = new ScratchBundles();
    }

    @AfterEach
    void tearDown() throws Exception {
        scratch.close();
    }

    private List<String> startArgs(String id) {
        return List.of("-namespace", NS, "-address", scratch.containerdAddress(), "-publish-binary",
                "/usr/bin/containerd", "-id", id, "-debug", "start");
    }

    private List<String> deleteArgs(String id, Path bundle) {
        return List.of("-namespace", NS, "-address", scratch.containerdAddress(), "-publish-binary",
                "/usr/bin/containerd", "-id", id, "-bundle", bundle.toString(), "delete");
    }

    private ShimRun start(String id, Path bundle) {
        ShimRun run = ShimLauncher.combined(bundle, new byte[0], startArgs(id));
        assertThat(run.exitCode()).as(run.describe()).isZero();
        return run;
    }

    @Test
    void startPrintsOnlyTheAddressAndLeavesADetachedDaemon() throws Exception {
        Path bundle = scratch.bundle("c1", "");
        ShimSocketAddress expected = scratch.socketFor(NS, "c1");

        // Combined stdout+stderr read to EOF, like containerd: returns only if the daemon holds neither.
        ShimRun run = start("c1", bundle);

        assertThat(run.stdoutText()).isEqualTo(expected.uri());
        assertThat(Files.readAllBytes(bundle.resolve("address")))
                .isEqualTo(expected.uri().getBytes(StandardCharsets.UTF_8));
        assertThat(SocketProbe.probe(expected.socketPath())).isEqualTo(SocketProbe.State.ACCEPTING);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(expected.socketPath()))).isEqualTo("rw-------");

        long pid = ScratchBundles.daemonPid(bundle).orElseThrow();
        ProcStat stat = ProcStat.of(pid);
        assertThat(stat.sessionId()).as("daemon leads its own session").isEqualTo(pid);
        assertThat(stat.processGroup()).as("and its own process group").isEqualTo(pid);
        assertThat(stat.sessionId()).isNotEqualTo(ProcStat.of(ProcessHandle.current().pid()).sessionId());
        Path fd = Path.of("/proc", Long.toString(pid), "fd");
        assertThat(Files.readSymbolicLink(fd.resolve("0"))).isEqualTo(Path.of("/dev/null"));
        assertThat(Files.readSymbolicLink(fd.resolve("1"))).isEqualTo(Path.of("/dev/null"));
        assertThat(Files.readSymbolicLink(fd.resolve("2"))).isEqualTo(bundle.resolve(DaemonSpawner.STDERR_FILE));
        assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"))).isEqualTo(bundle);
        assertThat(scratch.logs()).as("daemon logs reach the bundle's log FIFO").contains("serving");
    }

    @Test
    void secondStartOfTheGroupReusesTheRunningDaemon() throws Exception {
        Path sandbox = scratch.bundle("sb", "\"io.kubernetes.cri.container-type\":\"sandbox\","
                + "\"io.kubernetes.cri.sandbox-id\":\"sb\"");
        Path container = scratch.bundle("app", "\"io.kubernetes.cri.container-type\":\"container\","
                + "\"io.kubernetes.cri.sandbox-id\":\"sb\"");
        ShimSocketAddress expected = scratch.socketFor(NS, "sb");

        ShimRun first = start("sb", sandbox);
        long daemon = ScratchBundles.daemonPid(sandbox).orElseThrow();
        ShimRun second = start("app", container);

        assertThat(second.stdoutText()).isEqualTo(first.stdoutText()).isEqualTo(expected.uri());
        assertThat(Files.readString(container.resolve("address"))).isEqualTo(expected.uri());
        assertThat(ScratchBundles.daemonPid(container)).as("no second daemon").isEmpty();
        assertThat(daemonsServing(expected)).containsExactly(daemon);
    }

    @Test
    void concurrentStartsOfOneGroupSpawnOneDaemon() throws Exception {
        String annotations = "\"io.kubernetes.cri.container-type\":\"container\",\"io.kubernetes.cri.sandbox-id\":\"pod\"";
        ShimSocketAddress expected = scratch.socketFor(NS, "pod");
        List<CompletableFuture<ShimRun>> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = "ctr" + i;
            Path bundle = scratch.bundle(id, annotations);
            runs.add(CompletableFuture.supplyAsync(() -> ShimLauncher.combined(bundle, new byte[0], startArgs(id))));
        }

        for (CompletableFuture<ShimRun> run : runs) {
            ShimRun r = run.get(180, TimeUnit.SECONDS);
            assertThat(r.exitCode()).as(r.describe()).isZero();
            assertThat(r.stdoutText()).isEqualTo(expected.uri());
        }
        assertThat(daemonsServing(expected)).hasSize(1);
    }

    @Test
    void staleSocketIsReplacedByANewDaemon() throws Exception {
        Path bundle = scratch.bundle("stale", "");
        ShimSocketAddress address = scratch.socketFor(NS, "stale");
        Files.createDirectories(address.socketPath().getParent());
        // A socket file nobody listens on: what a killed daemon leaves behind.
        try (ServerSocketChannel dead = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(address.socketPath()));
        }
        assertThat(SocketProbe.probe(address.socketPath())).isEqualTo(SocketProbe.State.STALE);

        ShimRun run = start("stale", bundle);

        assertThat(run.stdoutText()).isEqualTo(address.uri());
        assertThat(SocketProbe.probe(address.socketPath())).isEqualTo(SocketProbe.State.ACCEPTING);
    }

    @Test
    void deletePrintsOneDeleteResponseStopsTheIdleDaemonAndIsIdempotent() throws Exception {
        Path bundle = scratch.bundle("del", "");
        ShimSocketAddress address = scratch.socketFor(NS, "del");
        start("del", bundle);
        long daemon = ScratchBundles.daemonPid(bundle).orElseThrow();
        Files.writeString(bundle.resolve(DeleteCommand.INIT_PID_FILE), "4242");
        Instant before = Instant.now().minusSeconds(1);

        ShimRun first = ShimLauncher.separate(bundle, new byte[0], deleteArgs("del", bundle));

        assertThat(first.exitCode()).as(first.describe()).isZero();
        assertThat(first.stderr()).as(first.describe()).isEmpty();
        DeleteResponse response = DeleteResponse.parseFrom(first.stdout());
        assertThat(response.toByteArray()).as("exactly one message, nothing else").isEqualTo(first.stdout());
        assertThat(response.getPid()).isEqualTo(4242);
        assertThat(response.getExitStatus()).isEqualTo(137);
        assertThat(response.getExitedAt().getSeconds()).isBetween(before.getEpochSecond(),
                Instant.now().getEpochSecond() + 1);
        // The placeholder has no tasks, so the Shutdown that delete sends ends it, and it removes its socket.
        ProcessHandle.of(daemon).ifPresent(p -> p.onExit().orTimeout(60, TimeUnit.SECONDS).join());
        assertThat(ProcessHandle.of(daemon).filter(ProcessHandle::isAlive)).as("daemon exited").isEmpty();
        awaitGone(address.socketPath());
        awaitGone(GroupLock.lockFileFor(address.socketPath()));

        ShimRun again = ShimLauncher.separate(bundle, new byte[0], deleteArgs("del", bundle));
        assertThat(again.exitCode()).as(again.describe()).isZero();
        assertThat(DeleteResponse.parseFrom(again.stdout()).getExitStatus()).isEqualTo(137);
    }

    @Test
    void deleteWithoutAnyShimStillAnswers() throws Exception {
        Path bundle = scratch.bundle("never-started", "");
        Files.delete(bundle.resolve("config.json"));

        ShimRun run = ShimLauncher.separate(bundle, new byte[0], deleteArgs("never-started", bundle));

        assertThat(run.exitCode()).as(run.describe()).isZero();
        DeleteResponse response = DeleteResponse.parseFrom(run.stdout());
        assertThat(response.getPid()).isZero();
        assertThat(response.toByteArray()).isEqualTo(run.stdout());
    }

    @Test
    void bootstrapParamsOnStdinGetABootstrapResult() throws Exception {
        Path bundle = scratch.bundle("boot", "");
        ShimSocketAddress address = scratch.socketFor(NS, "boot");
        byte[] params = BootstrapParams.newBuilder()
                .setInstanceId("boot")
                .setNamespace(NS)
                .setContainerdTtrpcAddress(scratch.root().resolve("c.sock.ttrpc").toString())
                .build()
                .toByteArray();

        ShimRun run = ShimLauncher.combined(bundle, params, startArgs("boot"));

        assertThat(run.exitCode()).as(run.describe()).isZero();
        BootstrapResult result = BootstrapResult.parseFrom(run.stdout());
        assertThat(result.getVersion()).isEqualTo(2);
        assertThat(result.getAddress()).isEqualTo(address.uri());
        assertThat(result.getProtocol()).isEqualTo("ttrpc");
        assertThat(result.toByteArray()).isEqualTo(run.stdout());
        assertThat(Files.readString(bundle.resolve("address"))).isEqualTo(address.uri());
    }

    @Test
    void infoWritesRuntimeInfoEchoingTheOptions() throws Exception {
        Any options = AnyCodec.pack(Options.newBuilder().setConfigPath("/etc/capsa/capsa.toml").build());

        ShimRun empty = ShimLauncher.separate(scratch.root(), new byte[0], List.of("-info"));
        ShimRun withOptions = ShimLauncher.separate(scratch.root(), options.toByteArray(), List.of("-info"));

        assertThat(empty.exitCode()).as(empty.describe()).isZero();
        assertThat(empty.stderr()).isEmpty();
        RuntimeInfo info = RuntimeInfo.parseFrom(empty.stdout());
        assertThat(info.getName()).isEqualTo("io.containerd.capsa.v2");
        assertThat(info.getVersion().getVersion()).isNotBlank();
        assertThat(info.hasOptions()).isFalse();
        assertThat(RuntimeInfo.parseFrom(withOptions.stdout()).getOptions()).isEqualTo(options);
    }

    @Test
    void versionIsHumanReadable() {
        ShimRun run = ShimLauncher.combined(scratch.root(), new byte[0], List.of("-v"));

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdoutText()).startsWith("containerd-shim-capsa-v2:\n").contains("Version:")
                .doesNotContain("Picked up");
    }

    @Test
    void failureIsOneLineAndNonZero() {
        Path bundle = scratch.bundle("bad", "");
        ShimRun run = ShimLauncher.combined(bundle, new byte[0], List.of("-namespace", NS, "start"));

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stdoutText()).isEqualTo("containerd-shim-capsa-v2: -id is required for start\n");
    }

    /** Pids of live processes whose command line names {@code address}'s socket: our daemons for that group. */
    private static List<Long> daemonsServing(ShimSocketAddress address) {
        String socket = address.socketPath().toString();
        return ProcessHandle.allProcesses()
                .filter(p -> commandLine(p.pid()).contains(socket))
                .map(ProcessHandle::pid)
                .toList();
    }

    /** /proc/<pid>/cmdline split at NULs (ProcessHandle.Info truncates long Java command lines). */
    private static List<String> commandLine(long pid) {
        try {
            return List.of(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).split("\0"));
        } catch (IOException gone) {
            return List.of();
        }
    }

    private static void awaitGone(Path path) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Files.exists(path) && System.nanoTime() < deadline) {
            Thread.sleep(20); // the daemon removes it after exiting its server; no event to wait on from here
        }
        assertThat(path).doesNotExist();
    }

    /** Fields of /proc/<pid>/stat after the command name. */
    private record ProcStat(long processGroup, long sessionId) {
        static ProcStat of(long pid) throws IOException {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "(comm) ": state ppid pgrp session ...
            return new ProcStat(Long.parseLong(f[2]), Long.parseLong(f[3]));
        }
    }
}
