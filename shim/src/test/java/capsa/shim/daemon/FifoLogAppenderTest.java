package capsa.shim.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The log FIFO as containerd uses it: a reader that goes away (containerd stopped) and comes back. Logging must
 * neither block the caller nor fail; lines written while nobody reads are dropped and counted.
 */
@Timeout(120)
class FifoLogAppenderTest {

    private Path dir;
    private Path fifo;
    private final LoggerContext context = new LoggerContext();
    private FifoLogAppender appender;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "fifolog-");
        fifo = dir.resolve("log");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        appender = new FifoLogAppender(fifo, "group-1", 1000, new DefaultThreadFactory("fifo-test", true));
        appender.setContext(context);
        appender.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        appender.stop();
        Files.deleteIfExists(fifo);
        Files.deleteIfExists(dir);
    }

    private void log(String message) {
        appender.doAppend(new LoggingEvent("test", context.getLogger("capsa.shim.Test"), Level.INFO, message, null,
                null));
    }

    /** Opens the FIFO for reading like a restarted containerd (O_RDONLY: when it closes, writers get EPIPE). */
    private static CompletableFuture<BufferedReader> openReader(Path fifo) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new BufferedReader(new InputStreamReader(new FileInputStream(fifo.toFile()),
                        StandardCharsets.UTF_8));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static String readLine(BufferedReader in) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return in.readLine();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).get(60, TimeUnit.SECONDS);
    }

    @Test
    void survivesTheReaderGoingAwayAndResumesWhenItReturns() throws Exception {
        // The writer opens the FIFO lazily on its first line, and an O_RDONLY open waits for a writer: open async.
        CompletableFuture<BufferedReader> opening = openReader(fifo);
        log("before \"outage\"");
        try (BufferedReader first = opening.get(60, TimeUnit.SECONDS)) {
            String line = readLine(first);
            assertThat(line).startsWith("time=\"").contains(" level=info msg=\"before \\\"outage\\\"\"")
                    .contains(" id=\"group-1\"").contains(" logger=\"Test\"");
        }

        // Nobody reads now: the next write fails with EPIPE and that line is dropped; the writer then blocks
        // re-opening the FIFO while the others queue up. Callers notice nothing.
        for (int i = 0; i < 100; i++) {
            log("during outage " + i);
        }

        // Wait until the writer has met the EPIPE: a reader opened before that would simply receive line 0.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (appender.droppedLines() == 0) {
            assertThat(System.nanoTime()).as("the writer notices the reader is gone").isLessThan(deadline);
            Thread.sleep(10);
        }
        CompletableFuture<BufferedReader> reopening = openReader(fifo);
        log("after outage");
        try (BufferedReader second = reopening.get(60, TimeUnit.SECONDS)) {
            String line = readLine(second);
            assertThat(line).as("the loss is reported first").contains("level=warning").contains("log lines dropped");
            for (int i = 1; i < 100; i++) {
                assertThat(readLine(second)).contains("during outage " + i);
            }
            assertThat(readLine(second)).contains("after outage");
        }
    }
}
