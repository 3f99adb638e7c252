package capsa.e2e.support;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A {@code ctr run} in the background: its merged output lines and its exit. Closing kills ctr if still running. */
public final class CtrRun implements AutoCloseable {

    private final Process process;
    private final LineReader lines;

    CtrRun(Process process) {
        this.process = process;
        this.lines = new LineReader(process.getInputStream(), "ctr-run-" + process.pid());
    }

    /** Waits for an output line that matches (e.g. a "ready" line the task prints once it set up its traps). */
    public Optional<String> awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        return lines.await(wanted, timeout);
    }

    /** Waits for ctr to exit and returns its exit code (the task's), or empty on timeout. */
    public Optional<Integer> awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? Optional.of(process.exitValue()) : Optional.empty();
    }

    /** Output lines consumed by {@link #awaitLine} so far, for failure messages. */
    public List<String> consumed() {
        return lines.consumed();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
