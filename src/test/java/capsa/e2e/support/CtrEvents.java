package capsa.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A running {@code ctr events}: the Go events client, subscribed to a private containerd, whose printed lines a test
 * can wait for. Closing kills it and waits for it to exit.
 */
public final class CtrEvents implements AutoCloseable {

    private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PROBE_WAIT = Duration.ofSeconds(1);

    private final Process process;
    private final LineReader lines;

    private CtrEvents(Process process) {
        this.process = process;
        this.lines = new LineReader(process.getInputStream(), "ctr-events-" + process.pid());
    }

    static CtrEvents start(PrivateContainerd containerd) {
        Process process;
        try {
            process = new ProcessBuilder(containerd.ctrCommand("events"))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start ctr events", e);
        }
        CtrEvents events = new CtrEvents(process);
        try {
            events.awaitSubscribed(containerd);
            return events;
        } catch (RuntimeException | InterruptedException e) {
            events.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("ctr events never saw a probe event", e);
        }
    }

    /**
     * ctr prints nothing when it has subscribed, so we prove it: create a probe namespace (containerd publishes
     * {@code /namespaces/create}) until ctr prints that event. Only then can a test's own event not be missed.
     */
    private void awaitSubscribed(PrivateContainerd containerd) throws InterruptedException {
        AtomicInteger probes = new AtomicInteger();
        long deadline = System.nanoTime() + SUBSCRIBE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("ctr events exited with " + process.exitValue() + ": " + lines.consumed());
            }
            String probe = "capsa-probe-" + probes.incrementAndGet();
            containerd.ctr(Duration.ofSeconds(30), "namespaces", "create", probe).requireSuccess();
            if (lines.await(line -> line.contains("/namespaces/create") && line.contains(probe), PROBE_WAIT)
                    .isPresent()) {
                return;
            }
        }
        throw new IllegalStateException("not subscribed within " + SUBSCRIBE_TIMEOUT);
    }

    /** Waits for the next printed line that matches; lines before it are consumed. */
    public Optional<String> await(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        return lines.await(wanted, timeout);
    }

    /** Lines consumed so far, for failure messages. */
    public List<String> consumed() {
        return lines.consumed();
    }

    @Override
    public void close() {
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
