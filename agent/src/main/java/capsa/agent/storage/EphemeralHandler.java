package capsa.agent.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code ephemeral}: a guest-memory file system, tmpfs unless the request names another (hugetlbfs). Without a mount
 * point it goes to {@code <sandbox>/ephemeral/<source name>}.
 */
public final class EphemeralHandler implements StorageHandler {
  private final Mounter mounter;
  private final Path sandboxDir;

  public EphemeralHandler(Mounter mounter, Path sandboxDir) {
    this.mounter = mounter;
    this.sandboxDir = sandboxDir;
  }

  @Override
  public String driver() {
    return "ephemeral";
  }

  @Override
  public MountedStorage mount(StorageRequest r) throws IOException {
    String source = r.source().isEmpty() ? "tmpfs" : r.source();
    Path target =
        r.mountPoint().isEmpty()
            ? sandboxDir.resolve("ephemeral").resolve(Path.of(source).getFileName())
            : Path.of(r.mountPoint());
    Files.createDirectories(target);
    String fstype = r.fstype().isEmpty() || r.fstype().equals("local") ? "tmpfs" : r.fstype();
    MountOptions mo = MountOptions.parse(r.options());
    mounter.mount(source, target, fstype, mo.flags(), mo.data());
    return new MountedStorage(driver(), target, true);
  }
}
