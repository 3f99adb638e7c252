package capsa.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Teardown steps for a private containerd that a test may have left busy. Shims and their containers outlive
 * containerd, so whatever is still running is deleted through containerd first; a shim that survives even that is
 * found by its {@code -address} (our unique socket path) and killed.
 */
final class ContainerdSweep {

    private static final Logger log = LoggerFactory.getLogger(ContainerdSweep.class);
    private static final Duration CTR_TIMEOUT = Duration.ofSeconds(60);

    private ContainerdSweep() {}

    /** {@code ctr tasks delete -f} and {@code ctr containers delete} for everything in every namespace. */
    static void deleteAllTasks(PrivateContainerd containerd) {
        CommandResult namespaces = containerd.ctr(CTR_TIMEOUT, "namespaces", "ls", "-q");
        if (!namespaces.succeeded()) {
            log.warn("cannot list namespaces, skipping the task sweep: {}", namespaces.describe());
            return;
        }
        for (String namespace : lines(namespaces.stdout())) {
            for (String task : lines(containerd.ctr(CTR_TIMEOUT, "-n", namespace, "tasks", "ls", "-q").stdout())) {
                log.warn("task {}/{} still running at teardown; force-deleting it", namespace, task);
                warnUnlessOk(containerd.ctr(CTR_TIMEOUT, "-n", namespace, "tasks", "delete", "-f", task));
            }
            List<String> containers = lines(containerd.ctr(CTR_TIMEOUT, "-n", namespace, "containers", "ls", "-q").stdout());
            if (!containers.isEmpty()) {
                String[] args = Stream.concat(Stream.of("-n", namespace, "containers", "delete"), containers.stream())
                        .toArray(String[]::new);
                warnUnlessOk(containerd.ctr(CTR_TIMEOUT, args));
            }
        }
    }

    /** SIGKILLs any process whose argv carries {@code -address <grpcSocket>} (a shim of that containerd). */
    static void killStrayShims(Path grpcSocket) {
        for (long pid : processesWithAddress(grpcSocket.toString())) {
            ProcessHandle.of(pid).ifPresent(handle -> {
                log.warn("shim pid {} outlived its containerd; killing it", pid);
                handle.destroyForcibly();
                try {
                    handle.onExit().get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    log.warn("shim pid {} did not exit after SIGKILL", pid, e);
                }
            });
        }
    }

    /** Pids of processes whose argv has {@code -address} followed by {@code address}. */
    static List<Long> processesWithAddress(String address) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> {
                        List<String> argv = commandLine(p);
                        int flag = argv.indexOf("-address");
                        return flag >= 0 && flag + 1 < argv.size() && argv.get(flag + 1).equals(address);
                    })
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> commandLine(Path proc) {
        try {
            String raw = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
            return raw.isEmpty() ? List.of() : Arrays.asList(raw.split("\0"));
        } catch (IOException e) {
            return List.of(); // gone while we looked
        }
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private static void warnUnlessOk(CommandResult result) {
        if (!result.succeeded()) {
            log.warn("teardown step failed: {}", result.describe());
        }
    }
}
