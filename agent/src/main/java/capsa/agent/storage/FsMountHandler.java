package capsa.agent.storage;

import capsa.agent.AgentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A shared file system mounted by tag: {@code 9p} (virtio-9p, {@code trans=virtio,version=9p2000.L} added when
 * missing) and {@code virtio-fs} (fstype {@code virtiofs}).
 */
public final class FsMountHandler implements StorageHandler {
  private final String driver;
  private final String fstype;
  private final List<String> defaults;
  private final Mounter mounter;

  private FsMountHandler(String driver, String fstype, List<String> defaults, Mounter mounter) {
    this.driver = driver;
    this.fstype = fstype;
    this.defaults = defaults;
    this.mounter = mounter;
  }

  public static FsMountHandler ninep(Mounter mounter) {
    return new FsMountHandler("9p", "9p", List.of("trans=virtio", "version=9p2000.L"), mounter);
  }

  public static FsMountHandler virtioFs(Mounter mounter) {
    return new FsMountHandler("virtio-fs", "virtiofs", List.of(), mounter);
  }

  @Override
  public String driver() {
    return driver;
  }

  @Override
  public MountedStorage mount(StorageRequest r) throws IOException {
    if (r.mountPoint().isEmpty() || r.source().isEmpty()) {
      throw new AgentException.InvalidArgument(driver + " storage needs a source and a mount point");
    }
    List<String> options = new ArrayList<>(r.options());
    for (String d : defaults) {
      String key = d.substring(0, d.indexOf('='));
      if (options.stream().noneMatch(o -> o.startsWith(key + "="))) {
        options.add(d);
      }
    }
    options.remove("dax"); // a DAX window needs a cache size the guest can't infer; mount without it
    Path target = Files.createDirectories(Path.of(r.mountPoint()));
    MountOptions mo = MountOptions.parse(options);
    mounter.mount(r.source(), target, fstype, mo.flags(), mo.data());
    return new MountedStorage(driver, target, true);
  }
}
