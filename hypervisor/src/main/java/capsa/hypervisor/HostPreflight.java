package capsa.hypervisor;

import capsa.hypervisor.spec.BootSource;
import capsa.hypervisor.spec.Device;
import capsa.hypervisor.spec.SharedFs;
import capsa.hypervisor.spec.VmSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * File-system checks every backend runs before launching: they turn a late, cryptic VMM failure into an early error
 * that names the offending path. Stateless.
 */
public final class HostPreflight {

  /** sun_path is 108 bytes including the terminating NUL (Kata: {@code MaxSocketPathLen} 107). */
  public static final int MAX_SOCKET_PATH_BYTES = 107;

  private HostPreflight() {}

  /** Checks the files a spec names: kernel, initrd/image, disks, share dir, log dirs, runtime dir. */
  public static void checkSpecFiles(VmSpec spec) {
    readableFile("kernel", spec.boot().kernel());
    if (spec.boot() instanceof BootSource.Initrd) {
      readableFile("initrd", ((BootSource.Initrd) spec.boot()).initrd());
    } else if (spec.boot() instanceof BootSource.Image) {
      readableFile("image", ((BootSource.Image) spec.boot()).image());
    }
    for (Device.Block b : spec.blockDevices()) {
      readableFile("block device '" + b.id() + "'", b.path());
    }
    if (spec.sharedFs().isPresent()) {
      SharedFs fs = spec.sharedFs().get();
      if (!Files.isDirectory(fs.hostDir())) {
        throw new InvalidVmSpecException("Shared directory does not exist: " + fs.hostDir());
      }
    }
    existingParent("consoleLog", spec.consoleLog());
    existingParent("vmmLog", spec.vmmLog());
    existingParent("runtimeDir", spec.runtimeDir());
    if (Files.exists(spec.runtimeDir())) {
      throw new InvalidVmSpecException(
          "runtimeDir must not exist yet (the VM creates and later deletes it): " + spec.runtimeDir());
    }
  }

  /** A regular file we can read. */
  public static void readableFile(String what, Path p) {
    if (!Files.isRegularFile(p)) {
      throw new InvalidVmSpecException("The " + what + " file does not exist: " + p);
    }
    if (!Files.isReadable(p)) {
      throw new InvalidVmSpecException("The " + what + " file is not readable: " + p);
    }
  }

  /** A Unix socket path that fits in sockaddr_un. */
  public static void socketPath(String what, Path p) {
    int len = p.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length;
    if (len > MAX_SOCKET_PATH_BYTES) {
      throw new InvalidVmSpecException("The " + what + " socket path is " + len + " bytes, over the limit of "
          + MAX_SOCKET_PATH_BYTES + ": " + p + " (use a shorter runtimeDir)");
    }
  }

  /** The VMM binary: absolute and executable. */
  public static void executable(String what, Path binary) {
    if (!Files.isRegularFile(binary) || !Files.isExecutable(binary)) {
      throw new VmStartException("The " + what + " binary is missing or not executable: " + binary);
    }
  }

  private static void existingParent(String what, Path p) {
    Path parent = p.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new InvalidVmSpecException("The directory for " + what + " does not exist: " + parent);
    }
  }
}
