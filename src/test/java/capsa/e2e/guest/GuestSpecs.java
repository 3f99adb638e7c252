package capsa.e2e.guest;

import capsa.proto.oci.Linux;
import capsa.proto.oci.LinuxCapabilities;
import capsa.proto.oci.LinuxNamespace;
import capsa.proto.oci.Mount;
import capsa.proto.oci.Process;
import capsa.proto.oci.Root;
import capsa.proto.oci.Spec;
import java.util.List;

/**
 * OCI specs shaped like a Kata runtime's (empty root path: the agent puts in the shared rootfs path of the container
 * id). {@link #withGuestTools} adds read-only binds of guest directories so a busybox container can run the guest's
 * JRE (vsock probe) and read the guest's own /proc (the agent's memory as PID 1 of the VM).
 */
final class GuestSpecs {
  private static final List<String> CAPS =
      List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHOWN", "CAP_SETUID", "CAP_SETGID");

  private GuestSpecs() {}

  static Process process(boolean terminal, String... args) {
    LinuxCapabilities caps =
        LinuxCapabilities.newBuilder().addAllBounding(CAPS).addAllEffective(CAPS).addAllPermitted(CAPS).build();
    return Process.newBuilder()
        .setTerminal(terminal)
        .addAllArgs(List.of(args))
        .addEnv("PATH=/bin")
        .addEnv("TERM=xterm")
        .setCwd("/")
        .setCapabilities(caps)
        .setNoNewPrivileges(true)
        .build();
  }

  static Spec spec(String... args) {
    return Spec.newBuilder()
        .setVersion("1.0.2")
        .setProcess(process(false, args))
        .setRoot(Root.newBuilder().setPath(""))
        .setHostname("capsa-guest-test")
        .addMounts(Mount.newBuilder().setDestination("/proc").setType("proc").setSource("proc"))
        // Not nodev: runc bind-mounts /dev/null & co. onto this tmpfs.
        .addMounts(Mount.newBuilder().setDestination("/dev").setType("tmpfs").setSource("tmpfs")
            .addAllOptions(List.of("nosuid", "strictatime", "mode=755", "size=65536k")))
        .addMounts(Mount.newBuilder().setDestination("/dev/pts").setType("devpts").setSource("devpts")
            .addAllOptions(List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")))
        .addMounts(tmpfs("/tmp", "mode=1777", "size=65536k"))
        .setLinux(Linux.newBuilder()
            .addNamespaces(LinuxNamespace.newBuilder().setType("pid"))
            .addNamespaces(LinuxNamespace.newBuilder().setType("ipc"))
            .addNamespaces(LinuxNamespace.newBuilder().setType("uts"))
            .addNamespaces(LinuxNamespace.newBuilder().setType("mount"))
            .addNamespaces(LinuxNamespace.newBuilder().setType("network")))
        .build();
  }

  /** Binds the guest's /capsa (JRE, agent jar), its libraries and its /proc (as /guestproc) read-only. */
  static Spec withGuestTools(Spec spec) {
    Spec.Builder b = spec.toBuilder();
    for (String dir : List.of("/capsa", "/lib", "/lib64")) {
      b.addMounts(bind(dir, dir));
    }
    b.addMounts(bind("/proc", "/guestproc"));
    return b.build();
  }

  private static Mount tmpfs(String dest, String... options) {
    return Mount.newBuilder().setDestination(dest).setType("tmpfs").setSource("tmpfs")
        .addAllOptions(List.of("nosuid", "nodev")).addAllOptions(List.of(options)).build();
  }

  private static Mount bind(String source, String dest) {
    return Mount.newBuilder().setDestination(dest).setType("bind").setSource(source)
        .addAllOptions(List.of("rbind", "ro")).build();
  }
}
