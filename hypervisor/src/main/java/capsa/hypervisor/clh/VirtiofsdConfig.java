package capsa.hypervisor.clh;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The virtio-fs daemon to start for a {@link capsa.hypervisor.spec.SharedFs.VirtioFs} share. Two command-line
 * dialects exist: the Rust {@code virtiofsd} Kata ships, and the older C daemon QEMU 7.2 ships in Debian 12
 * ({@code /usr/lib/qemu/virtiofsd}).
 */
public record VirtiofsdConfig(Path binary, Flavor flavor) {

  public VirtiofsdConfig {
    Objects.requireNonNull(binary, "binary");
    Objects.requireNonNull(flavor, "flavor");
  }

  /** Debian 12's daemon, from the {@code qemu-system-common} package. */
  public static VirtiofsdConfig debianQemu() {
    return new VirtiofsdConfig(Path.of("/usr/lib/qemu/virtiofsd"), Flavor.QEMU_C);
  }

  /** Which flags the binary takes. */
  public enum Flavor {
    /** Rust virtiofsd: {@code --socket-path=S --shared-dir=D --cache=auto}. */
    RUST,
    /** QEMU's C virtiofsd: {@code --socket-path=S -o source=D -o cache=auto}. */
    QEMU_C
  }

  /** The full command that serves {@code sharedDir} on the vhost-user socket {@code socket}. */
  List<String> command(Path socket, Path sharedDir) {
    String s = "--socket-path=" + socket;
    return switch (flavor) {
      case RUST -> List.of(binary.toString(), s, "--shared-dir=" + sharedDir, "--cache=auto");
      case QEMU_C -> List.of(binary.toString(), s, "-o", "source=" + sharedDir, "-o", "cache=auto");
    };
  }
}
