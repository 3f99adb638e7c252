package capsa.agent.sys;

import java.io.IOException;

/** A libc call failed; carries the call and errno so callers can branch on the number, never on text. */
public final class NativeException extends IOException {
  private final int errno;

  public NativeException(String call, int errno, String detail) {
    super(call + " failed: errno " + errno + " (" + detail + ")");
    this.errno = errno;
  }

  public int errno() {
    return errno;
  }
}
