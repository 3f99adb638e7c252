package capsa.agent.io;

import capsa.agent.proc.Stdio;
import java.io.IOException;

/**
 * The standard streams of one container process as the agent API sees them: two long-poll output buffers, a stdin
 * sink, and (terminals only) a window size. Lifecycle: made before runc runs, {@link #childStdin()} etc. go into runc's
 * spawn, {@link #started()} once runc has exited successfully, {@link #close()} when the process is removed.
 */
public interface ProcessIo extends AutoCloseable {

  Stdio childStdin();

  Stdio childStdout();

  Stdio childStderr();

  /** runc finished handing the streams over: drop our copies of the child ends and start pumping. */
  void started() throws IOException;

  OutputBuffer stdout();

  OutputBuffer stderr();

  /** Writes all bytes (blocking while the process does not read); returns the count. */
  int writeStdin(byte[] data) throws IOException;

  /** End of input for the process. */
  void closeStdin();

  /** Sets the terminal window size; only terminal processes have one. */
  void resize(int rows, int columns) throws IOException;

  boolean terminal();

  @Override
  void close();
}
