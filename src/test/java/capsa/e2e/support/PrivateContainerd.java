package capsa.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    private final Process process;

    private PrivateContainerd(ScratchDir dir, RunContainerdLeftovers leftovers, Process process) {
        this.dir = dir;
        this.leftovers = leftovers;
        this.process = process;
    }

    /** Starts containerd and waits until it serves; on any failure everything started so far is torn down. */
    public static PrivateContainerd start() {
        return start(ContainerdConfig.plain());
    }

    /** Starts containerd with {@code config} (e.g. CRI handlers, a shim dir on its PATH). */
    public static PrivateContainerd start(ContainerdConfig config) {
        HostBinaries.require(HostBinaries.CONTAINERD);
        HostBinaries.require(HostBinaries.CTR);
        ScratchDir dir = ScratchDir.create();
        RunContainerdLeftovers leftovers = RunContainerdLeftovers.snapshot(ContainerdConfig.NAMESPACES);
        Process process = null;
        try {
            Path configFile = config.writeInto(dir.path());
            ProcessBuilder builder = new ProcessBuilder(HostBinaries.CONTAINERD.toString(), "--config", configFile.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("containerd.log").toFile());
            builder.environment().putAll(config.environment());
            process = builder.start();
            PrivateContainerd containerd = new PrivateContainerd(dir, leftovers, process);
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

    static String configToml(Path dir) {
        return ContainerdConfig.plain().toml(dir);
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
            // Tasks outlive containerd (their shims are re-parented), so they go first, through containerd.
            ContainerdSweep.deleteAllTasks(this);
            stop(process);
            ContainerdSweep.killStrayShims(grpcSocket());
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
