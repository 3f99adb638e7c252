package capsa.agent.io;

import capsa.agent.proc.Stdio;
import capsa.agent.sys.Fd;
import capsa.agent.sys.NativeException;
import capsa.agent.sys.Posix;
import java.io.IOException;

/**
 * Non-terminal stdio over three native pipes (not {@code java.lang.Process} pipes, which the JDK closes when runc
 * exits). runc passes its fds 0/1/2 straight to the container process, so the pipes live as long as the process.
 */
public final class PipeIo implements ProcessIo {
  private final Posix posix;
  private final String name;
  private final Fd[] in;
  private final Fd[] out;
  private final Fd[] err;
  private final OutputBuffer stdout;
  private final OutputBuffer stderr;
  private final StdinSink stdin;
  private volatile boolean pumping;

  public PipeIo(Posix posix, String name, int bufferBytes) throws NativeException {
    this.posix = posix;
    this.name = name;
    Fd[] i = null;
    Fd[] o = null;
    try {
      i = posix.pipe();
      o = posix.pipe();
      this.err = posix.pipe();
    } catch (NativeException e) {
      closeAll(i);
      closeAll(o);
      throw e;
    }
    this.in = i;
    this.out = o;
    this.stdout = new OutputBuffer(bufferBytes);
    this.stderr = new OutputBuffer(bufferBytes);
    this.stdin = new StdinSink(posix, in[1]);
  }

  @Override
  public Stdio childStdin() {
    return new Stdio.FromFd(in[0].value());
  }

  @Override
  public Stdio childStdout() {
    return new Stdio.FromFd(out[1].value());
  }

  @Override
  public Stdio childStderr() {
    return new Stdio.FromFd(err[1].value());
  }

  @Override
  public void started() {
    in[0].close();
    out[1].close();
    err[1].close();
    pumping = true;
    new OutputPump(posix, out[0], stdout, name + "-out").start();
    new OutputPump(posix, err[0], stderr, name + "-err").start();
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
    return stdin.write(data);
  }

  @Override
  public void closeStdin() {
    stdin.close();
  }

  @Override
  public void resize(int rows, int columns) throws IOException {
    throw new IOException("process has no terminal");
  }

  @Override
  public boolean terminal() {
    return false;
  }

  @Override
  public void close() {
    stdin.close();
    in[0].close();
    out[1].close();
    err[1].close();
    if (!pumping) {
      out[0].close();
      err[0].close();
    }
    // The pumps close the read ends at EOF; discarding unblocks a pump stuck on a full buffer.
    stdout.discard();
    stderr.discard();
  }

  private static void closeAll(Fd[] fds) {
    if (fds != null) {
      for (Fd fd : fds) {
        fd.close();
      }
    }
  }
}
