package capsa.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code containerd} of our own: config, root, state and both sockets in a fresh /tmp scratch dir, so it never
 * touches a system containerd. Started on construction, ready when {@code ctr version} answers; closing stops it by
 * PID, waits for it to exit and removes everything it created.
 */
public final class PrivateContainerd implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PrivateContainerd.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final ScratchDir dir;
    private final RunContainerdLeftovers leftovers;
    private final Map<String, String> env;
    private Process process;

    private PrivateContainerd(ScratchDir dir, RunContainerdLeftovers leftovers, Map<String, String> env,
            Process process) {
        this.dir = dir;
        this.leftovers = leftovers;
        this.env = Map.copyOf(env);
        this.process = process;
    }

    /** Starts containerd and waits until it serves; on any failure everything started so far is torn down. */
    public static PrivateContainerd start() {
        return start(Map.of());
    }

    /**
     * Like {@link #start()}, with extra environment for containerd (and so for the shims it runs), e.g. a
     * {@code PATH} with a shim binary first.
     */
    public static PrivateContainerd start(Map<String, String> env) {
        HostBinaries.require(HostBinaries.CONTAINERD);
        HostBinaries.require(HostBinaries.CTR);
        ScratchDir dir = ScratchDir.create();
        RunContainerdLeftovers leftovers = RunContainerdLeftovers.snapshot("default");
        Process process = null;
        try {
            Path config = dir.resolve("config.toml");
            Files.writeString(config, configToml(dir.path()), StandardCharsets.UTF_8);
            process = launch(dir, env);
            PrivateContainerd containerd = new PrivateContainerd(dir, leftovers, env, process);
            containerd.awaitReady();
            log.info("containerd pid {} serving {}", process.pid(), containerd.grpcSocket());
            return containerd;
        } catch (IOException | RuntimeException | InterruptedException e) {
            String logTail = tail(dir.resolve("containerd.log"));
            if (process != null) {
                stop(process);
            }
            dir.close();
            leftovers.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("private containerd did not start; its log ends with:\n" + logTail, e);
        }
    }

    private static Process launch(ScratchDir dir, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(HostBinaries.CONTAINERD.toString(), "--config",
                dir.resolve("config.toml").toString())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("containerd.log").toFile()));
        builder.environment().putAll(env);
        return builder.start();
    }

    /** Stops containerd (SIGTERM, as an upgrade or crash-restart would) without touching its state or shims. */
    public void stopDaemon() {
        stop(process);
    }

    /** Starts containerd again on the same config and state after {@link #stopDaemon()}; waits until it serves. */
    public void startDaemon() throws IOException, InterruptedException {
        if (process.isAlive()) {
            throw new IllegalStateException("containerd is still running");
        }
        process = launch(dir, env);
        awaitReady();
    }

    static String configToml(Path dir) {
        // restrict_oom_score_adj: containerd would otherwise try to lower its OOM score, which an unprivileged
        // container (our CI) may not do. Debug level makes containerd pass -debug to shims, as in production logs.
        return """
                version = 2
                root = "%1$s/root"
                state = "%1$s/state"
                [grpc]
                  address = "%1$s/c.sock"
                [ttrpc]
                  address = "%1$s/c.sock.ttrpc"
                [debug]
                  level = "debug"
                [plugins."io.containerd.grpc.v1.cri"]
                  restrict_oom_score_adj = true
                """.formatted(dir);
    }

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        CommandResult last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("containerd exited with " + process.exitValue());
            }
            if (Files.exists(grpcSocket())) {
                last = ctr(Duration.ofSeconds(20), "version");
                if (last.succeeded()) {
                    return;
                }
            }
            // No readiness event exists for containerd: polling the socket is the documented way.
            Thread.sleep(100);
        }
        throw new IllegalStateException("containerd not ready within " + READY_TIMEOUT
                + (last == null ? "" : "; last ctr version: " + last.describe()));
    }

    public Path dir() {
        return dir.path();
    }

    public Path grpcSocket() {
        return dir.resolve("c.sock");
    }

    public Path ttrpcSocket() {
        return dir.resolve("c.sock.ttrpc");
    }

    public long pid() {
        return process.pid();
    }

    public String logText() {
        try {
            return Files.readString(dir.resolve("containerd.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code ctr -a <grpc socket> args...} to completion. */
    public CommandResult ctr(Duration timeout, String... args) {
        return Commands.run(timeout, ctrCommand(args));
    }

    /** {@code ctr -a <grpc socket> args...} as a command line. */
    public List<String> ctrCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(HostBinaries.CTR.toString(), "-a", grpcSocket().toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** Starts {@code ctr events} and returns once it is provably subscribed. */
    public CtrEvents subscribe() {
        return CtrEvents.start(this);
    }

    @Override
    public void close() {
        try {
            stop(process);
        } finally {
            try {
                dir.close();
            } finally {
                leftovers.close();
            }
        }
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("containerd pid {} ignored SIGTERM for {}; killing it", process.pid(), STOP_TIMEOUT);
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
