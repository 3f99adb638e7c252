package capsa.agent.storage;

import capsa.agent.AgentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** {@code local}: a plain guest directory (an emptyDir on guest disk), created with the {@code mode=} option. */
public final class LocalHandler implements StorageHandler {

  @Override
  public String driver() {
    return "local";
  }

  @Override
  public MountedStorage mount(StorageRequest r) throws IOException {
    if (r.mountPoint().isEmpty()) {
      throw new AgentException.InvalidArgument("local storage needs a mount point");
    }
    Path dir = Files.createDirectories(Path.of(r.mountPoint()));
    for (String o : r.options()) {
      if (o.startsWith("mode=")) {
        Files.setPosixFilePermissions(dir, permissions(Integer.parseInt(o.substring(5), 8)));
      }
    }
    return new MountedStorage(driver(), dir, false);
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
    };
    for (int bit = 0; bit < order.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        set.add(order[bit]);
      }
    }
    return set;
  }
}
