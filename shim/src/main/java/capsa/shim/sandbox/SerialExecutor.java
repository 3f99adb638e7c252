package capsa.shim.sandbox;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Runs submitted tasks one at a time, in submission order, on threads of a shared blocking executor: a sandbox's
 * lifecycle thread without a dedicated thread.
 */
public final class SerialExecutor {

    private final Executor delegate;
    private final Queue<Runnable> queue = new ArrayDeque<>(); // guarded by this
    private boolean running; // guarded by this

    public SerialExecutor(Executor delegate) {
        this.delegate = delegate;
    }

    /** Queues {@code task}; its future completes with its result or exception. */
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        enqueue(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    private void enqueue(Runnable r) {
        synchronized (this) {
            queue.add(r);
            if (running) {
                return;
            }
            running = true;
        }
        delegate.execute(this::drain);
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = queue.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            next.run();
        }
    }
}
