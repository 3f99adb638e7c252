package capsa.e2e.cri;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * A container log file as the CRI plugin writes it: one line per output line,
 * {@code <RFC3339Nano time> <stdout|stderr> <F|P> <text>} (P marks a partial line, split at the size limit).
 */
public final class CriLog {

    /** One log line. */
    public record Line(String time, String stream, boolean partial, String text) {}

    private CriLog() {}

    public static List<Line> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(CriLog::parse).toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Line parse(String raw) {
        String[] parts = raw.split(" ", 4);
        if (parts.length < 3) {
            throw new IllegalArgumentException("not a CRI log line: " + raw);
        }
        return new Line(parts[0], parts[1], parts[2].equals("P"), parts.length == 4 ? parts[3] : "");
    }

    /** The text of one stream's lines. */
    public static List<String> texts(List<Line> lines, String stream) {
        return lines.stream().filter(l -> l.stream().equals(stream)).map(Line::text).toList();
    }

    /**
     * Waits until the file holds a line that matches. containerd copies output to the log asynchronously, so a line
     * may land shortly after ContainerStatus already reports the exit; a file has no event to wait on.
     */
    public static List<Line> await(Path file, Predicate<Line> wanted, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Line> lines = read(file);
            if (lines.stream().anyMatch(wanted)) {
                return lines;
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("no matching line in " + file + " after " + timeout + "; it has " + lines);
            }
            Thread.sleep(50);
        }
    }
}
