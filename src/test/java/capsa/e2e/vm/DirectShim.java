package capsa.e2e.vm;

import capsa.e2e.support.CapsaShimBinary;
import capsa.e2e.support.CommandResult;
import capsa.e2e.support.Commands;
import capsa.e2e.support.HostBinaries;
import capsa.e2e.support.PrivateContainerd;
import capsa.e2e.support.ScratchDir;
import capsa.proto.containerd.task.v2.ShutdownRequest;
import capsa.shim.manager.ShimSocketAddress;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Our shim binary driven the way containerd drives it, without containerd in between, for requests {@code ctr} can
 * never send (a broken config.json, unknown options, an unmountable rootfs): a scratch bundle, {@code start} through
 * the launcher (events still go to {@code containerd}'s ttrpc socket), our own ttrpc connection, and at the end
 * containerd's clean-up after a failed Create: Shutdown, then the {@code delete} binary. Closing kills the daemon by
 * pid if it is still there and removes the bundle.
 */
final class DirectShim implements AutoCloseable {

    private static final Duration CLI = Duration.ofMinutes(2);

    private final ScratchDir dir;
    private final PrivateContainerd containerd;
    private final Path launcher;
    private final Map<String, String> env;
    private final String id;
    private Long daemonPid;

    private DirectShim(ScratchDir dir, PrivateContainerd containerd, Path launcher, Map<String, String> env,
            String id) {
        this.dir = dir;
        this.containerd = containerd;
        this.launcher = launcher;
        this.env = env;
        this.id = id;
    }

    /** A bundle for task {@code id} holding {@code configJson}; nothing started yet. */
    static DirectShim bundle(PrivateContainerd containerd, CapsaShimBinary shim, Map<String, String> extraEnv,
            String id, String configJson) {
        ScratchDir dir = ScratchDir.create();
        try {
            Path bundle = Files.createDirectories(dir.resolve("bundle"));
            Files.createDirectories(bundle.resolve("rootfs"));
            Files.writeString(bundle.resolve("config.json"), configJson, StandardCharsets.UTF_8);
            // containerd's log is a FIFO it reads; a plain file is the same to the shim and readable afterwards.
            Files.createFile(bundle.resolve("log"));
        } catch (IOException e) {
            dir.close();
            throw new UncheckedIOException(e);
        }
        Map<String, String> env = new HashMap<>(shim.containerdEnv());
        env.putAll(extraEnv);
        env.put("TTRPC_ADDRESS", containerd.ttrpcSocket().toString());
        return new DirectShim(dir, containerd, shim.binDir().resolve(CapsaShimBinary.BINARY), env, id);
    }

    Path bundle() {
        return dir.resolve("bundle");
    }

    String id() {
        return id;
    }

    Path socket() {
        return ShimSocketAddress.of(containerd.grpcSocket().toString(), "default", id).socketPath();
    }

    private List<String> command(String... tail) {
        List<String> command = new ArrayList<>(List.of(launcher.toString(), "-namespace", "default",
                "-address", containerd.grpcSocket().toString(), "-publish-binary", HostBinaries.CONTAINERD.toString(),
                "-id", id));
        command.addAll(List.of(tail));
        return command;
    }

    /** Runs {@code start} with {@code stdin} (may be empty) and returns its result; remembers the daemon's pid. */
    CommandResult start(byte[] stdin) throws IOException {
        Path in = dir.resolve("start.stdin");
        Files.write(in, stdin);
        List<String> sh = List.of("sh", "-c", "exec \"$@\" < '" + in + "'", "start");
        List<String> full = new ArrayList<>(sh);
        full.addAll(command("start"));
        CommandResult result = Commands.run(CLI, full, bundle(), env);
        Path pidFile = bundle().resolve("shim.pid");
        if (Files.exists(pidFile)) {
            daemonPid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
        }
        return result;
    }

    ShimTaskClient connect() throws IOException {
        return ShimTaskClient.connect(socket());
    }

    /** containerd after a failed Create: Shutdown (the shim exits when it holds no task), then {@code delete}. */
    CommandResult shutdownAndDelete() throws IOException {
        try (ShimTaskClient client = connect()) {
            client.task().shutdown(ShutdownRequest.newBuilder().setId(id).build());
        } catch (StatusRuntimeException closedBehindTheReply) {
            // the daemon may close the connection as it exits; the checks afterwards tell whether it did
        }
        return Commands.run(CLI, command("-bundle", bundle().toString(), "delete"), bundle(), env);
    }

    String log() {
        try {
            return Files.readString(bundle().resolve("log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    boolean daemonAlive() {
        return daemonPid != null && ProcessHandle.of(daemonPid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Override
    public void close() {
        try {
            // SIGTERM first: the daemon's shutdown callbacks stop its VM; SIGKILL would leave QEMU running.
            ProcessHandle.of(daemonPid == null ? -1 : daemonPid).ifPresent(daemon -> {
                daemon.destroy();
                try {
                    daemon.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception notInTime) {
                    daemon.destroyForcibly();
                }
            });
            try {
                Files.deleteIfExists(socket());
                // A daemon that had to be killed could not remove its lock file (a clean exit does).
                Files.deleteIfExists(capsa.shim.manager.GroupLock.lockFileFor(socket()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } finally {
            dir.close();
        }
    }
}
