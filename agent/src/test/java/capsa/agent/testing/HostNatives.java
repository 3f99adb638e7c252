package capsa.agent.testing;

import capsa.agent.proc.NativeProcessLauncher;
import capsa.agent.sys.LibC;
import capsa.agent.sys.NativeException;
import capsa.agent.sys.Posix;

/**
 * The one native launcher of the test JVM. A reaper owns every child status of its process, so all tests of a fork
 * share one (two reapers would steal each other's exits). Tests must not use {@code java.lang.Process} next to it.
 */
public final class HostNatives {
  private static Posix posix;
  private static NativeProcessLauncher launcher;

  private HostNatives() {}

  public static synchronized Posix posix() {
    if (posix == null) {
      posix = new Posix(LibC.load());
    }
    return posix;
  }

  public static synchronized NativeProcessLauncher launcher() {
    if (launcher == null) {
      launcher = new NativeProcessLauncher(posix());
      try {
        launcher.becomeSubreaper();
      } catch (NativeException e) {
        throw new IllegalStateException(e);
      }
    }
    return launcher;
  }
}
