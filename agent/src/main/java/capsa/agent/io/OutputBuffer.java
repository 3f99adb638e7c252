package capsa.agent.io;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * A bounded byte buffer between one producer (the pump reading a process's pipe) and long-polling readers
 * ({@code ReadStdout}/{@code ReadStderr}).
 *
 * <p>Backpressure: when {@code capacity} bytes are buffered, {@link #write} blocks the pump, the pipe fills and the
 * container blocks in write(2), so an unread process costs at most {@code capacity} bytes of heap. Readers never
 * block a thread: {@link #read} returns a future completed when data or end of stream arrives. An empty array means
 * end of stream.
 */
public final class OutputBuffer {
  private static final byte[] EOF = new byte[0];

  private final int capacity;
  private final Object lock = new Object();

  @GuardedBy("lock")
  private final byte[] ring;

  @GuardedBy("lock")
  private int head;

  @GuardedBy("lock")
  private int size;

  @GuardedBy("lock")
  private boolean finished;

  @GuardedBy("lock")
  private final ArrayDeque<PendingRead> readers = new ArrayDeque<>();

  private record PendingRead(int max, CompletableFuture<byte[]> future) {}

  public OutputBuffer(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.capacity = capacity;
    this.ring = new byte[capacity];
  }

  public int capacity() {
    return capacity;
  }

  /** Bytes buffered and not yet read. */
  public int buffered() {
    synchronized (lock) {
      return size;
    }
  }

  /** Appends all of {@code data[off, off+len)}, blocking while the buffer is full. */
  public void write(byte[] data, int off, int len) throws InterruptedException {
    int done = 0;
    while (done < len) {
      synchronized (lock) {
        while (size == capacity && !finished) {
          lock.wait();
        }
        if (finished) {
          return; // nobody will ever read it: drop
        }
        int n = Math.min(len - done, capacity - size);
        int tail = (head + size) % capacity;
        int first = Math.min(n, capacity - tail);
        System.arraycopy(data, off + done, ring, tail, first);
        System.arraycopy(data, off + done + first, ring, 0, n - first);
        size += n;
        done += n;
        serveReaders();
      }
    }
  }

  /** Up to {@code max} bytes as soon as any are available; empty at end of stream. */
  public CompletableFuture<byte[]> read(int max) {
    int limit = Math.max(1, max);
    synchronized (lock) {
      PendingRead pending = new PendingRead(limit, new CompletableFuture<>());
      readers.add(pending);
      serveReaders();
      return pending.future();
    }
  }

  /** End of stream: the pump saw EOF. Pending and future readers get the rest, then empty arrays. */
  public void finish() {
    synchronized (lock) {
      finished = true;
      serveReaders();
      lock.notifyAll();
    }
  }

  /** Drops buffered data and unblocks the producer (the process is being removed). */
  public void discard() {
    synchronized (lock) {
      size = 0;
      finished = true;
      serveReaders();
      lock.notifyAll();
    }
  }

  @GuardedBy("lock")
  private void serveReaders() {
    while (!readers.isEmpty() && (size > 0 || finished)) {
      PendingRead reader = readers.poll();
      if (size == 0) {
        reader.future().complete(EOF);
        continue;
      }
      int n = Math.min(reader.max(), size);
      byte[] out = new byte[n];
      int first = Math.min(n, capacity - head);
      System.arraycopy(ring, head, out, 0, first);
      System.arraycopy(ring, 0, out, first, n - first);
      head = (head + n) % capacity;
      size -= n;
      lock.notifyAll();
      if (!reader.future().complete(out)) {
        // The caller gave up (cancelled): put the bytes back in front.
        head = (head - n + capacity) % capacity;
        size += n;
      }
    }
  }
}
