package capsa.agent.sys;

import java.util.concurrent.atomic.AtomicBoolean;

/** An owned file descriptor; closing is idempotent so error paths may close twice. */
public final class Fd implements AutoCloseable {
  private final Posix posix;
  private final int fd;
  private final AtomicBoolean closed = new AtomicBoolean();

  public Fd(Posix posix, int fd) {
    this.posix = posix;
    this.fd = fd;
  }

  public int value() {
    return fd;
  }

  public boolean isClosed() {
    return closed.get();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      posix.closeQuietly(fd);
    }
  }

  @Override
  public String toString() {
    return "fd " + fd + (closed.get() ? " (closed)" : "");
  }
}
