package capsa.shim.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Output copying into a real FIFO: every chunk arrives in order and the reader sees EOF when the stream ends. */
class OutputCopierTest {

    @TempDir
    Path tmp;

    private final ExecutorService blocking = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws Exception {
        blocking.shutdownNow();
        blocking.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** A scripted guest stream: the chunks, then end of stream. */
    private static StreamSource scripted(List<String> chunks) {
        Deque<String> left = new ArrayDeque<>(chunks);
        return max -> CompletableFuture.supplyAsync(() -> {
            String next = left.poll();
            return next == null ? new byte[0] : next.getBytes(StandardCharsets.UTF_8);
        });
    }

    @Test
    void copiesIntoTheFifoAndClosesTheWriterAtEndOfStream() throws Exception {
        Path fifo = tmp.resolve("c1-stdout");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = new FileInputStream(fifo.toFile())) {
                // A read loop, not readAllBytes (which seeks, and FIFOs cannot): ends only at EOF.
                java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                byte[] buf = new byte[256];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    all.write(buf, 0, n);
                }
                return all.toString(StandardCharsets.UTF_8);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, blocking);

        CompletableFuture<Void> done = new OutputCopier("test", scripted(List.of("hello ", "from ", "the guest\n")),
                fifo.toString(), blocking).start();

        assertThat(read.get(20, TimeUnit.SECONDS)).isEqualTo("hello from the guest\n");
        done.get(20, TimeUnit.SECONDS);
    }

    @Test
    void withoutAFifoTheStreamIsStillDrained() throws Exception {
        new OutputCopier("test", scripted(List.of("a", "b")), "", blocking).start().get(20, TimeUnit.SECONDS);
    }
}
