package capsa.shim.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one guest output stream into one FIFO until the stream ends, then closes the FIFO writer. Without a FIFO
 * (or once the reader is gone) the stream is still drained, so the guest never stalls on a full buffer.
 */
final class OutputCopier {

    private static final Logger log = LoggerFactory.getLogger(OutputCopier.class);
    static final int CHUNK = 32 * 1024;

    private final String name;
    private final StreamSource source;
    private final String fifo;
    private final Executor blocking;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private FileChannel out; // touched only by the chain of tasks below, one at a time

    OutputCopier(String name, StreamSource source, String fifo, Executor blocking) {
        this.name = name;
        this.source = source;
        this.fifo = StdioPaths.fifoPath(fifo);
        this.blocking = blocking;
    }

    /** Starts copying; the future completes when the stream ended and the writer is closed. Never fails. */
    CompletableFuture<Void> start() {
        blocking.execute(() -> {
            if (!fifo.isEmpty()) {
                try {
                    // Blocks until containerd's reader has the FIFO open (it opens it before Create/Exec).
                    out = FileChannel.open(Path.of(fifo), StandardOpenOption.WRITE);
                } catch (IOException e) {
                    log.warn("{}: cannot open {}: {}; output is discarded", name, fifo, e.getMessage());
                }
            }
            next();
        });
        return done;
    }

    private void next() {
        source.read(CHUNK).whenCompleteAsync((data, error) -> {
            if (error != null || data.length == 0) {
                if (error != null) {
                    log.debug("{}: stream ended with {}", name, error.toString());
                }
                finish();
                return;
            }
            write(data);
            next();
        }, blocking);
    }

    private void write(byte[] data) {
        if (out == null) {
            return;
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                out.write(b);
            }
        } catch (IOException e) {
            log.debug("{}: reader of {} gone ({}); discarding the rest", name, fifo, e.getMessage());
            closeQuietly();
        }
    }

    private void finish() {
        closeQuietly();
        done.complete(null);
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                log.debug("{}: close of {} failed: {}", name, fifo, e.getMessage());
            }
            out = null;
        }
    }
}
