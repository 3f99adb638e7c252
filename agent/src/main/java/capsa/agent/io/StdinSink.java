package capsa.agent.io;

import capsa.agent.sys.Fd;
import capsa.agent.sys.Posix;
import java.io.IOException;

/** The agent's writing end of a process's input (a pipe's write end or a dup of a pty master). */
final class StdinSink {
  private final Posix posix;
  private final Fd fd;
  private volatile boolean closed;

  StdinSink(Posix posix, Fd fd) {
    this.posix = posix;
    this.fd = fd;
  }

  /** Serialized so that concurrent WriteStdin calls never interleave and close never races a write's fd. */
  synchronized int write(byte[] data) throws IOException {
    if (closed) {
      throw new IOException("stdin is closed");
    }
    posix.writeFully(fd.value(), data, data.length);
    return data.length;
  }

  void close() {
    closed = true;
    synchronized (this) {
      fd.close();
    }
  }
}
