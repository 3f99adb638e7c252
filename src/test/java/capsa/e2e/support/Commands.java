package capsa.e2e.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a short-lived command to completion with a deadline, capturing stdout and stderr separately. */
public final class Commands {

    private Commands() {}

    public static CommandResult run(Duration timeout, List<String> command) {
        return run(timeout, command, null, Map.of());
    }

    /**
     * Runs {@code command} with stdin from /dev/null. On timeout the process is killed and an
     * {@link IllegalStateException} says which command hung.
     */
    public static CommandResult run(Duration timeout, List<String> command, Path cwd, Map<String, String> extraEnv) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        if (cwd != null) {
            builder.directory(cwd.toFile());
        }
        builder.environment().putAll(extraEnv);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new CommandResult(command, process.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } catch (ExecutionException | TimeoutException e) {
            // A daemonised grandchild may keep the pipe open; the exit code is what matters then.
            return new CommandResult(command, process.exitValue(), out.getNow(""), err.getNow(""));
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (stream) {
                result.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        }, "drain-" + stream.hashCode());
        reader.setDaemon(true);
        reader.start();
        return result;
    }
}
