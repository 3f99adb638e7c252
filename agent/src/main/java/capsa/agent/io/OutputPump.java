package capsa.agent.io;

import capsa.agent.sys.Fd;
import capsa.agent.sys.NativeException;
import capsa.agent.sys.Posix;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one readable descriptor (a pipe's read end or a pty master) into an {@link OutputBuffer} until EOF, on its own
 * thread, then finishes the buffer and closes the descriptor. Reads run for the whole life of the writer, however long
 * after the direct child (runc) has exited.
 */
public final class OutputPump implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(OutputPump.class);
  private static final int CHUNK = 32 * 1024;

  private final Posix posix;
  private final Fd source;
  private final OutputBuffer sink;
  private final String name;

  public OutputPump(Posix posix, Fd source, OutputBuffer sink, String name) {
    this.posix = posix;
    this.source = source;
    this.sink = sink;
    this.name = name;
  }

  public Thread start() {
    Thread t = new Thread(this, "pump-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Override
  public void run() {
    byte[] buf = new byte[CHUNK];
    try {
      while (!source.isClosed()) {
        int n = posix.read(source.value(), buf, buf.length);
        if (n == 0) {
          break;
        }
        sink.write(buf, 0, n);
      }
    } catch (NativeException e) {
      log.debug("{}: {}", name, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      sink.finish();
      source.close();
    }
  }
}
