package capsa.shim.daemon;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's one way to stop: components register clean-up callbacks as they start (a socket, a queue to flush,
 * thread pools), anyone may request shutdown (the Task service on its last task's Shutdown, SIGTERM), and the
 * composition root runs the callbacks once, newest first, so that what started last stops first.
 *
 * <p>Thread-safe. A failing callback is logged and the rest still run.
 */
public final class ShutdownService {

    private static final Logger log = LoggerFactory.getLogger(ShutdownService.class);

    /** A named clean-up step. */
    @FunctionalInterface
    public interface Callback {
        void run() throws Exception;
    }

    private record Named(String name, Callback callback) {}

    private final Object lock = new Object();
    private final Deque<Named> callbacks = new ArrayDeque<>(); // guarded by lock
    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private boolean ran; // guarded by lock

    /**
     * Registers {@code callback} to run at shutdown. Registering after shutdown ran runs it at once, so a
     * component that races with shutdown is still cleaned up.
     */
    public void registerCallback(String name, Callback callback) {
        Named named = new Named(Objects.requireNonNull(name, "name"), Objects.requireNonNull(callback, "callback"));
        synchronized (lock) {
            if (!ran) {
                callbacks.push(named);
                return;
            }
        }
        runOne(named);
    }

    /** Asks the daemon to stop; returns at once. Idempotent. */
    public void requestShutdown(String reason) {
        if (requested.getCount() > 0) {
            log.info("shutdown requested: {}", reason);
        }
        requested.countDown();
    }

    public boolean isShutdownRequested() {
        return requested.getCount() == 0;
    }

    /** Blocks until {@link #requestShutdown} is called. */
    public void awaitShutdownRequest() throws InterruptedException {
        requested.await();
    }

    /** Blocks until {@link #requestShutdown} is called or {@code millis} pass; true if requested. */
    public boolean awaitShutdownRequest(long millis) throws InterruptedException {
        return requested.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Runs every registered callback once, newest first. Later calls do nothing. */
    public void runCallbacks() {
        while (true) {
            Named next;
            synchronized (lock) {
                ran = true;
                next = callbacks.poll();
            }
            if (next == null) {
                finished.countDown();
                return;
            }
            runOne(next);
        }
    }

    /** Waits up to {@code millis} for {@link #runCallbacks()} to finish; true if it did. */
    public boolean awaitCallbacksFinished(long millis) throws InterruptedException {
        return finished.await(millis, TimeUnit.MILLISECONDS);
    }

    private static void runOne(Named named) {
        try {
            log.debug("shutdown: {}", named.name());
            named.callback().run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("shutdown step '{}' interrupted", named.name());
        } catch (Exception | LinkageError e) {
            log.warn("shutdown step '{}' failed", named.name(), e);
        }
    }
}
