package capsa.e2e.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Reads a child's output line by line on a daemon thread, so a test can wait for a line with a deadline. */
final class LineReader {

    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    LineReader(InputStream stream, String threadName) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // The process went away; whatever was read is in the queue.
            }
        }, threadName);
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits for the first line (not yet consumed) that matches, consuming the lines before it. */
    Optional<String> await(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            String line = lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                return Optional.empty();
            }
            synchronized (seen) {
                seen.add(line);
            }
            if (wanted.test(line)) {
                return Optional.of(line);
            }
        }
    }

    /** Every line consumed so far, for failure messages. */
    List<String> consumed() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }
}
