package capsa.agent.testing;

import capsa.agent.sys.SystemControl;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Records hostname, clock and power-off requests; never touches the host. */
public final class RecordingSystemControl implements SystemControl {
  private final List<String> calls = new ArrayList<>();
  public final CompletableFuture<Void> poweredOff = new CompletableFuture<>();

  @Override
  public synchronized void setHostname(String hostname) {
    calls.add("hostname " + hostname);
  }

  @Override
  public synchronized void setClock(long seconds, long micros) {
    calls.add("clock " + seconds + "." + micros);
  }

  @Override
  public synchronized void powerOff() {
    calls.add("poweroff");
    poweredOff.complete(null);
  }

  public synchronized List<String> calls() {
    return List.copyOf(calls);
  }
}
