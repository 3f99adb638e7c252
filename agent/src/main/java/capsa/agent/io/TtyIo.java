package capsa.agent.io;

import capsa.agent.proc.Stdio;
import capsa.agent.sys.Fd;
import capsa.agent.sys.NativeException;
import capsa.agent.sys.Posix;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Terminal stdio: runc creates the pty and sends us its master through a {@link ConsoleSocket}. Output (stdout and
 * stderr merged by the terminal) is pumped from the master; input is written to a dup of it; stderr is empty.
 */
public final class TtyIo implements ProcessIo {
  private static final int F_DUPFD_CLOEXEC = 1030;
  private static final byte EOT = 4;

  private final Posix posix;
  private final String name;
  private final ConsoleSocket socket;
  private final OutputBuffer stdout;
  private final OutputBuffer stderr;
  private final int timeoutMillis;
  private volatile Fd resizeFd;
  private volatile StdinSink stdin;
  private volatile Dimensions pending;

  private record Dimensions(int rows, int columns) {}

  public TtyIo(Posix posix, String name, Path socketPath, int bufferBytes, int timeoutMillis) throws IOException {
    this.posix = posix;
    this.name = name;
    this.socket = new ConsoleSocket(posix, socketPath);
    this.stdout = new OutputBuffer(bufferBytes);
    this.stderr = new OutputBuffer(1);
    this.timeoutMillis = timeoutMillis;
    stderr.finish();
  }

  public Path socketPath() {
    return socket.path();
  }

  @Override
  public Stdio childStdin() {
    return Stdio.devNull();
  }

  @Override
  public Stdio childStdout() {
    return Stdio.devNull();
  }

  @Override
  public Stdio childStderr() {
    return Stdio.devNull();
  }

  @Override
  public void started() throws IOException {
    try {
      Fd master = socket.receiveMaster(timeoutMillis);
      Fd writer = dup(master);
      Fd sizer = dup(master);
      this.stdin = new StdinSink(posix, writer);
      this.resizeFd = sizer;
      Dimensions d = pending;
      if (d != null) {
        ConsoleSocket.resize(posix, sizer, d.rows(), d.columns());
      }
      new OutputPump(posix, master, stdout, name + "-tty").start();
    } finally {
      socket.close();
    }
  }

  private Fd dup(Fd fd) throws NativeException {
    int copy = posix.libc().fcntl(fd.value(), F_DUPFD_CLOEXEC, 3);
    if (copy < 0) {
      throw posix.error("fcntl(F_DUPFD_CLOEXEC)");
    }
    return new Fd(posix, copy);
  }

  @Override
  public OutputBuffer stdout() {
    return stdout;
  }

  @Override
  public OutputBuffer stderr() {
    return stderr;
  }

  @Override
  public int writeStdin(byte[] data) throws IOException {
    StdinSink s = stdin;
    if (s == null) {
      throw new IOException("terminal is not attached yet");
    }
    return s.write(data);
  }

  /** A terminal has no half-close: send EOT (^D) so a canonical-mode reader sees end of input. */
  @Override
  public void closeStdin() {
    StdinSink s = stdin;
    if (s != null) {
      try {
        s.write(new byte[] {EOT});
      } catch (IOException ignored) {
        // the process is gone: nothing to end
      }
    }
  }

  @Override
  public void resize(int rows, int columns) throws IOException {
    Fd fd = resizeFd;
    if (fd == null) {
      pending = new Dimensions(rows, columns);
      return;
    }
    ConsoleSocket.resize(posix, fd, rows, columns);
  }

  @Override
  public boolean terminal() {
    return true;
  }

  @Override
  public void close() {
    socket.close();
    StdinSink s = stdin;
    if (s != null) {
      s.close();
    }
    Fd fd = resizeFd;
    if (fd != null) {
      fd.close();
    }
    stdout.discard();
  }
}
