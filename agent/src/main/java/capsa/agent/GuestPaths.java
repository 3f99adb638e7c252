package capsa.agent;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where things live in the guest (Kata's layout, so a stock Kata runtime finds them too), and where the agent keeps
 * its own state. Tests point every root at a temporary directory.
 *
 * @param sharedContainers the shared file system ({@code kataShared}): {@code /run/kata-containers/shared/containers}
 * @param sandboxDir sandbox-local storage: {@code /run/kata-containers/sandbox}
 * @param bundles per-container bundle directories: {@code /run/capsa/containers}
 * @param sockets short paths for console sockets: {@code /run/capsa/sock}
 * @param cgroupRoot the cgroup v2 mount: {@code /sys/fs/cgroup}
 * @param sysfs {@code /sys}
 * @param resolvConf {@code /etc/resolv.conf}
 * @param dev {@code /dev}
 */
public record GuestPaths(
    Path sharedContainers,
    Path sandboxDir,
    Path bundles,
    Path sockets,
    Path cgroupRoot,
    Path sysfs,
    Path resolvConf,
    Path dev) {

  public GuestPaths {
    Objects.requireNonNull(sharedContainers);
    Objects.requireNonNull(sandboxDir);
    Objects.requireNonNull(bundles);
    Objects.requireNonNull(sockets);
    Objects.requireNonNull(cgroupRoot);
    Objects.requireNonNull(sysfs);
    Objects.requireNonNull(resolvConf);
    Objects.requireNonNull(dev);
  }

  public static GuestPaths standard() {
    return new GuestPaths(
        Path.of("/run/kata-containers/shared/containers"),
        Path.of("/run/kata-containers/sandbox"),
        Path.of("/run/capsa/containers"),
        Path.of("/run/capsa/sock"),
        Path.of("/sys/fs/cgroup"),
        Path.of("/sys"),
        Path.of("/etc/resolv.conf"),
        Path.of("/dev"));
  }

  /** Everything under one directory (host tests). */
  public static GuestPaths under(Path root) {
    return new GuestPaths(
        root.resolve("shared"),
        root.resolve("sandbox"),
        root.resolve("bundles"),
        root.resolve("sock"),
        root.resolve("cgroup"),
        root.resolve("sys"),
        root.resolve("etc/resolv.conf"),
        root.resolve("dev"));
  }
}
