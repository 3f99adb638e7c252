package capsa.agent.testing;

import capsa.agent.storage.Mounter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Records mounts instead of making them: host tests never mount anything. */
public final class RecordingMounter implements Mounter {
  public record Call(String op, String source, Path target, String fstype, long flags, String data) {}

  private final List<Call> calls = new ArrayList<>();

  @Override
  public synchronized void mount(String source, Path target, String fstype, long flags, String data) {
    calls.add(new Call("mount", source, target, fstype, flags, data));
  }

  @Override
  public synchronized void unmount(Path target) {
    calls.add(new Call("umount", null, target, null, 0, null));
  }

  public synchronized List<Call> calls() {
    return List.copyOf(calls);
  }
}
