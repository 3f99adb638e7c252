package capsa.agent.proc;

import java.nio.file.Path;

/** What a spawned process gets as one of its standard streams. */
public sealed interface Stdio permits Stdio.Inherit, Stdio.DevNull, Stdio.FromFd, Stdio.ToFile {

  /** The agent's own stream (its console). */
  record Inherit() implements Stdio {}

  record DevNull() implements Stdio {}

  /** A descriptor the caller owns (a pipe end, a pty slave); the child gets a dup of it. */
  record FromFd(int fd) implements Stdio {}

  /** A file, created or truncated. */
  record ToFile(Path path) implements Stdio {}

  static Stdio devNull() {
    return new DevNull();
  }
}
