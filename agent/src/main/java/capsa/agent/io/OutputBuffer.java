package capsa.agent.io;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * A bounded byte buffer between one producer (the pump reading a process's pipe) and long-polling readers
 * ({@code ReadStdout}/{@code ReadStderr}).
 *
 * <p>Backpressure: when {@code capacity} bytes are buffered, {@link #write} blocks the pump, the pipe fills and the
 * container blocks in write(2), so an unread process costs at most {@code capacity} bytes of heap. Memory is held as
 * the chunks actually written, so an idle or finished process costs nothing. Readers never block a thread: {@link
 * #read} returns a future completed when data or end of stream arrives. An empty array means end of stream.
 */
public final class OutputBuffer {
  private static final byte[] EOF = new byte[0];

  private final int capacity;
  private final Object lock = new Object();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();

  @GuardedBy("lock")
  private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();

  /** Bytes of the first chunk already handed out. */
  @GuardedBy("lock")
  private int headOffset;

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

  /** Completes once end of stream has been handed to a reader (or the buffer was discarded). */
  public CompletableFuture<Void> drained() {
    return drained;
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
        chunks.add(Arrays.copyOfRange(data, off + done, off + done + n));
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
      chunks.clear();
      headOffset = 0;
      size = 0;
      finished = true;
      serveReaders();
      lock.notifyAll();
    }
    drained.complete(null);
  }

  @GuardedBy("lock")
  private void serveReaders() {
    while (!readers.isEmpty() && (size > 0 || finished)) {
      PendingRead reader = readers.poll();
      if (reader.future().isDone()) {
        continue; // cancelled: the caller went away
      }
      if (size == 0) {
        reader.future().complete(EOF);
        drained.complete(null);
        continue;
      }
      byte[] out = take(Math.min(reader.max(), size));
      lock.notifyAll();
      if (!reader.future().complete(out)) {
        // Cancelled between the check and now: put the bytes back in front.
        chunks.addFirst(out);
        headOffset = 0;
        size += out.length;
      }
    }
  }

  @GuardedBy("lock")
  private byte[] take(int n) {
    byte[] out = new byte[n];
    int copied = 0;
    while (copied < n) {
      byte[] head = chunks.peek();
      int k = Math.min(n - copied, head.length - headOffset);
      System.arraycopy(head, headOffset, out, copied, k);
      copied += k;
      headOffset += k;
      if (headOffset == head.length) {
        chunks.poll();
        headOffset = 0;
      }
    }
    size -= n;
    return out;
  }
}
