package capsa.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ctr} against a private containerd in one namespace, the way a user drives a runtime from the shell:
 * {@code ctr run --rm --runtime <type>}, {@code ctr task exec}, {@code ctr task kill}. The runtime is a runtime type
 * ({@code io.containerd.runc.v2}, later {@code io.containerd.capsa.v2}) or an absolute shim path.
 */
public final class Ctr {

    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);

    private final PrivateContainerd containerd;
    private final String namespace;

    public Ctr(PrivateContainerd containerd, String namespace) {
        this.containerd = containerd;
        this.namespace = namespace;
    }

    /** {@code ctr run --rm --runtime runtime image id args...} to completion; ctr exits with the task's exit code. */
    public CommandResult run(String image, String id, String runtime, String... args) {
        return Commands.run(RUN_TIMEOUT, runCommand(image, id, runtime, args));
    }

    /**
     * Starts {@code ctr run --rm …} in the background (attached, as in a terminal) and returns at once; the handle
     * reads its output lines and waits for its exit. Use it for tasks that another ctr command acts on.
     */
    public CtrRun start(String image, String id, String runtime, String... args) {
        try {
            Process process = new ProcessBuilder(runCommand(image, id, runtime, args))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true)
                    .start();
            return new CtrRun(process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start ctr run", e);
        }
    }

    /** {@code ctr task exec --exec-id execId id args...}; ctr exits with the process's exit code. */
    public CommandResult exec(String id, String execId, String... args) {
        List<String> command = new ArrayList<>(List.of("tasks", "exec", "--exec-id", execId, id));
        command.addAll(List.of(args));
        return ctr(command);
    }

    /** {@code ctr task kill -s signal id} (signal as ctr takes it, e.g. {@code SIGTERM}). */
    public CommandResult kill(String id, String signal) {
        return ctr(List.of("tasks", "kill", "-s", signal, id));
    }

    /** Ids of the namespace's tasks. */
    public List<String> tasks() {
        return ctr(List.of("tasks", "ls", "-q")).requireSuccess().stdout().lines()
                .map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** Ids of the namespace's containers. */
    public List<String> containers() {
        return ctr(List.of("containers", "ls", "-q")).requireSuccess().stdout().lines()
                .map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** Any other {@code ctr -n namespace …} command. */
    public CommandResult ctr(List<String> args) {
        List<String> full = new ArrayList<>(List.of("-n", namespace));
        full.addAll(args);
        return containerd.ctr(RUN_TIMEOUT, full.toArray(String[]::new));
    }

    private List<String> runCommand(String image, String id, String runtime, String... args) {
        List<String> run = new ArrayList<>(List.of("-n", namespace, "run", "--rm", "--runtime", runtime, image, id));
        run.addAll(List.of(args));
        return containerd.ctrCommand(run.toArray(String[]::new));
    }
}
