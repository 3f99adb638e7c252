package capsa.agent.runc;

import java.io.IOException;

/** A runc command failed; the message carries runc's own error text (from its JSON log). */
public final class RuncException extends IOException {
  private final int exitCode;

  public RuncException(String command, int exitCode, String runcError) {
    super("runc " + command + " failed (exit " + exitCode + "): " + runcError);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
