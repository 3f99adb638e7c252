package capsa.agent.storage;

import java.io.IOException;
import java.nio.file.Path;

/** mount(2)/umount(2), behind an interface so host tests record mounts instead of making them. */
public interface Mounter {

  void mount(String source, Path target, String fstype, long flags, String data) throws IOException;

  /** Lazy unmount (MNT_DETACH): a container that still holds a file there must not block teardown. */
  void unmount(Path target) throws IOException;
}
