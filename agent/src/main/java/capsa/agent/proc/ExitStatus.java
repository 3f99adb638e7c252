package capsa.agent.proc;

/**
 * How a process ended: exactly one of {@code code} (normal exit) or {@code signal} (killed) is meaningful.
 *
 * @param code exit code 0..255 when {@code signal == 0}
 * @param signal the signal that killed the process, 0 when it exited
 */
public record ExitStatus(int code, int signal) {

  /** The status is lost: the process was reaped by someone else (Kata reports 255 in that case too). */
  public static final ExitStatus UNKNOWN = new ExitStatus(255, 0);

  public static ExitStatus exited(int code) {
    return new ExitStatus(code, 0);
  }

  public static ExitStatus killed(int signal) {
    return new ExitStatus(0, signal);
  }

  /** Decodes a wait(2) status word. */
  public static ExitStatus fromWaitStatus(int status) {
    int sig = status & 0x7f;
    if (sig == 0) {
      return exited((status >> 8) & 0xff);
    }
    return killed(sig);
  }

  /** The shell convention the agent API uses: the exit code, or 128 + signal when killed. */
  public int shellStatus() {
    return signal == 0 ? code : 128 + signal;
  }

  public boolean success() {
    return signal == 0 && code == 0;
  }
}
