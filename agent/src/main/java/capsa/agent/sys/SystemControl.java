package capsa.agent.sys;

import java.io.IOException;

/**
 * Machine-wide actions of the agent. Behind an interface so host tests never rename, re-clock or power off the
 * machine they run on.
 */
public interface SystemControl {

  void setHostname(String hostname) throws IOException;

  void setClock(long seconds, long micros) throws IOException;

  /** Flushes file systems and powers the VM off; in production this does not return. */
  void powerOff();
}
