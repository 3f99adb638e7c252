package capsa.agent.container;

import java.time.Duration;

/**
 * Tunables of container handling.
 *
 * @param outputBufferBytes per output stream of a process; the bound on agent heap an unread process can cost
 * @param consoleTimeout how long to wait for runc's pty master on the console socket
 * @param removeTimeout how long RemoveContainer waits for processes to die when the request says 0 (forever)
 */
public record ContainerSettings(int outputBufferBytes, Duration consoleTimeout, Duration removeTimeout) {
  public static ContainerSettings defaults() {
    return new ContainerSettings(256 * 1024, Duration.ofSeconds(30), Duration.ofSeconds(30));
  }
}
