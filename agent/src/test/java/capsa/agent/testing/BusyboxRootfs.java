package capsa.agent.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** A minimal container rootfs from the host's static busybox. */
public final class BusyboxRootfs {
  public static final Path BUSYBOX = Paths.get("/bin/busybox");
  private static final List<String> APPLETS =
      List.of("sh", "echo", "cat", "sleep", "stty", "dd", "id", "head", "true", "false", "ps", "ls", "wc", "tty", "kill");

  private BusyboxRootfs() {}

  public static boolean available() {
    return Files.isExecutable(BUSYBOX) && Files.isExecutable(Paths.get("/usr/sbin/runc"));
  }

  /** Creates {@code dir} as a rootfs: bin/busybox, applet symlinks, the usual empty dirs, passwd and group. */
  public static Path create(Path dir) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.copy(BUSYBOX, bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
    for (String applet : APPLETS) {
      Files.createSymbolicLink(bin.resolve(applet), Paths.get("busybox"));
    }
    for (String d : List.of("proc", "sys", "dev", "tmp", "etc", "root")) {
      Files.createDirectories(dir.resolve(d));
    }
    Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
    Files.writeString(dir.resolve("etc/group"), "root:x:0:\n");
    return dir;
  }
}
