package capsa.shim.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import org.slf4j.LoggerFactory;

/**
 * Points the daemon's logging at the bundle's {@code log} FIFO: info level, debug when containerd passed
 * {@code -debug}. Netty and grpc stay at info even then (their debug output is about buffers, not containers).
 * Until this runs, {@link QuietLogConfigurator} keeps all logging off.
 */
public final class DaemonLogging implements AutoCloseable {

    private static final int QUEUE_LINES = 4096;

    private final FifoLogAppender appender;

    private DaemonLogging(FifoLogAppender appender) {
        this.appender = appender;
    }

    public static DaemonLogging toFifo(Path fifo, String groupId, boolean debug, ThreadFactory threads) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        FifoLogAppender appender = new FifoLogAppender(fifo, groupId, QUEUE_LINES, threads);
        appender.setContext(context);
        appender.setName("containerd-log-fifo");
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
        root.setLevel(debug ? Level.DEBUG : Level.INFO);
        context.getLogger("io.netty").setLevel(Level.INFO);
        context.getLogger("io.grpc").setLevel(Level.INFO);
        return new DaemonLogging(appender);
    }

    /** Gives queued lines up to half a second to reach containerd. */
    @Override
    public void close() {
        try {
            appender.drain(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            appender.stop();
        }
    }
}
