package capsa.shim.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies containerd's stdin FIFO into the guest process. The shim keeps its own write handle on the FIFO so that a
 * client closing its end is not mistaken for EOF (ctr reopens, CRI attaches come and go); EOF reaches the process
 * only through {@link #closeInput()} (CloseIO): the keep-alive handle is dropped, what the client already wrote is
 * still delivered, and {@code CloseStdin} follows once the FIFO reads EOF — or after a grace period if the client
 * keeps its end open.
 */
final class StdinCopier {

    private static final Logger log = LoggerFactory.getLogger(StdinCopier.class);
    private static final long CLOSE_GRACE_MILLIS = 2_000;

    private final String name;
    private final String fifo;
    private final StdinSink sink;
    private final Executor blocking;
    private final CompletableFuture<Void> eof = new CompletableFuture<>();
    private final Object lock = new Object();
    private FileChannel in; // guarded by lock
    private FileChannel keepAlive; // guarded by lock
    private boolean closing; // guarded by lock

    StdinCopier(String name, String fifo, StdinSink sink, Executor blocking) {
        this.name = name;
        this.fifo = StdioPaths.fifoPath(fifo);
        this.sink = sink;
        this.blocking = blocking;
    }

    void start() {
        blocking.execute(this::run);
    }

    private void run() {
        try {
            // Blocks until the client opens its writing end (it does so right after we open ours).
            FileChannel r = FileChannel.open(Path.of(fifo), StandardOpenOption.READ);
            FileChannel w = FileChannel.open(Path.of(fifo), StandardOpenOption.WRITE);
            synchronized (lock) {
                in = r;
                keepAlive = w;
                if (closing) {
                    closeKeepAlive();
                }
            }
            ByteBuffer buf = ByteBuffer.allocate(OutputCopier.CHUNK);
            while (true) {
                buf.clear();
                int n = r.read(buf);
                if (n < 0) {
                    break;
                }
                byte[] data = Arrays.copyOf(buf.array(), n);
                int off = 0;
                while (off < data.length) {
                    int took = sink.write(Arrays.copyOfRange(data, off, data.length)).get();
                    off += Math.max(took, 1);
                }
            }
        } catch (ClosedChannelException e) {
            log.debug("{}: stdin copy stopped", name);
        } catch (IOException | ExecutionException e) {
            log.debug("{}: stdin copy ended: {}", name, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeAll();
            eof.complete(null);
        }
    }

    /** CloseIO: the process reads EOF once what was written is delivered. */
    CompletableFuture<Void> closeInput() {
        synchronized (lock) {
            closing = true;
            closeKeepAlive();
        }
        return eof.completeOnTimeout(null, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS)
                .thenCompose(v -> {
                    closeAll();
                    return sink.close();
                });
    }

    /** Stops copying (process gone). */
    void stop() {
        closeAll();
    }

    private void closeKeepAlive() {
        if (keepAlive != null) {
            quietly(keepAlive);
            keepAlive = null;
        }
    }

    private void closeAll() {
        synchronized (lock) {
            closeKeepAlive();
            if (in != null) {
                // Closing an interruptible channel wakes the thread blocked in read.
                quietly(in);
            }
        }
    }

    private static void quietly(FileChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
