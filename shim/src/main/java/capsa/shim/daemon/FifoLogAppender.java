package capsa.shim.daemon;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes log lines into the bundle's {@code log} FIFO, which containerd reads and copies into its own log.
 *
 * <p>Logging must never block or crash the daemon, whatever containerd does: callers only offer a formatted line
 * to a bounded queue (dropped and counted when full), and one writer thread opens the FIFO write-only and writes.
 * While containerd is down the FIFO has no reader: a write fails with EPIPE (the JVM ignores SIGPIPE), the writer
 * closes its end and re-opens it, which blocks — on the writer thread only — until containerd, restarted, opens
 * the FIFO again. Lines dropped meanwhile are reported by count.
 *
 * <p>Lines look like logrus text, as containerd's other shims write: {@code time="…" level=info msg="…" …}.
 */
final class FifoLogAppender extends AppenderBase<ILoggingEvent> {

    private final Path fifo;
    private final String groupId;
    private final BlockingQueue<String> lines;
    private final ThreadFactory threadFactory;
    private final AtomicLong dropped = new AtomicLong();
    private Thread writer;

    FifoLogAppender(Path fifo, String groupId, int capacity, ThreadFactory threadFactory) {
        this.fifo = fifo;
        this.groupId = groupId;
        this.lines = new ArrayBlockingQueue<>(capacity);
        this.threadFactory = threadFactory;
    }

    @Override
    public void start() {
        writer = threadFactory.newThread(this::writeLoop);
        writer.setDaemon(true);
        writer.start();
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (!lines.offer(format(event))) {
            dropped.incrementAndGet();
        }
    }

    /** Waits up to {@code millis} for queued lines to be written (best effort, for shutdown). */
    void drain(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!lines.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10); // no completion event per line; this only bounds the final flush
        }
    }

    long droppedLines() {
        return dropped.get();
    }

    private void writeLoop() {
        OutputStream out = null;
        String pending = null;
        while (true) {
            try {
                if (pending == null) {
                    pending = lines.take();
                }
                if (out == null) {
                    out = new FileOutputStream(fifo.toFile(), true); // blocks until containerd reads the FIFO
                    long lost = dropped.getAndSet(0);
                    if (lost > 0) {
                        out.write(line(Instant.now(), "warning", lost + " log lines dropped while containerd was"
                                + " not reading", "").getBytes(StandardCharsets.UTF_8));
                    }
                }
                out.write(pending.getBytes(StandardCharsets.UTF_8));
                pending = null;
            } catch (InterruptedException e) {
                closeQuietly(out);
                return;
            } catch (IOException e) {
                // EPIPE: containerd is gone. Drop this line and re-open (blocking) for the next one.
                closeQuietly(out);
                out = null;
                pending = null;
                dropped.incrementAndGet();
            }
        }
    }

    private static void closeQuietly(OutputStream out) {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // already broken
            }
        }
    }

    private String format(ILoggingEvent event) {
        StringBuilder extra = new StringBuilder();
        extra.append(" id=").append(quote(groupId));
        extra.append(" logger=").append(quote(shortName(event.getLoggerName())));
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            extra.append(" error=").append(quote(ThrowableProxyUtil.asString(thrown)));
        }
        return line(Instant.ofEpochMilli(event.getTimeStamp()), level(event), event.getFormattedMessage(),
                extra.toString());
    }

    private static String line(Instant time, String level, String message, String extra) {
        return "time=\"" + time + "\" level=" + level + " msg=" + quote(message) + extra + " runtime=capsa\n";
    }

    private static String level(ILoggingEvent event) {
        return switch (event.getLevel().levelInt) {
            case ch.qos.logback.classic.Level.ERROR_INT -> "error";
            case ch.qos.logback.classic.Level.WARN_INT -> "warning";
            case ch.qos.logback.classic.Level.INFO_INT -> "info";
            case ch.qos.logback.classic.Level.DEBUG_INT -> "debug";
            default -> "trace";
        };
    }

    private static String shortName(String logger) {
        return logger.substring(logger.lastIndexOf('.') + 1);
    }

    static String quote(String text) {
        StringBuilder q = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                case '\r' -> q.append("\\r");
                default -> q.append(c);
            }
        }
        return q.append('"').toString();
    }
}
