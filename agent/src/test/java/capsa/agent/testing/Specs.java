package capsa.agent.testing;

import capsa.proto.oci.LinuxCapabilities;
import capsa.proto.oci.Linux;
import capsa.proto.oci.LinuxNamespace;
import capsa.proto.oci.Mount;
import capsa.proto.oci.Process;
import capsa.proto.oci.Root;
import capsa.proto.oci.Spec;
import capsa.proto.oci.User;
import java.util.List;

/** OCI specs shaped like the ones a Kata runtime sends (network/cgroup namespaces already dropped, no paths). */
public final class Specs {
  private static final List<String> CAPS = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHOWN");

  private Specs() {}

  public static Process process(boolean terminal, String... args) {
    LinuxCapabilities caps =
        LinuxCapabilities.newBuilder()
            .addAllBounding(CAPS)
            .addAllEffective(CAPS)
            .addAllPermitted(CAPS)
            .build();
    return Process.newBuilder()
        .setTerminal(terminal)
        .setUser(User.newBuilder().setUID(0).setGID(0))
        .addAllArgs(List.of(args))
        .addEnv("PATH=/bin")
        .addEnv("TERM=xterm")
        .setCwd("/")
        .setCapabilities(caps)
        .setNoNewPrivileges(true)
        .build();
  }

  /** A spec with an empty root path: the agent fills in the Kata shared rootfs path. */
  public static Spec spec(boolean terminal, String... args) {
    return Spec.newBuilder()
        .setVersion("1.0.2-dev")
        .setProcess(process(terminal, args))
        .setRoot(Root.newBuilder().setPath(""))
        .setHostname("capsa-test")
        .addMounts(Mount.newBuilder().setDestination("/proc").setType("proc").setSource("proc"))
        .addMounts(
            Mount.newBuilder()
                .setDestination("/dev")
                .setType("tmpfs")
                .setSource("tmpfs")
                .addAllOptions(List.of("nosuid", "strictatime", "mode=755", "size=65536k")))
        .addMounts(
            Mount.newBuilder()
                .setDestination("/dev/pts")
                .setType("devpts")
                .setSource("devpts")
                .addAllOptions(List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")))
        .setLinux(
            Linux.newBuilder()
                .addNamespaces(LinuxNamespace.newBuilder().setType("pid"))
                .addNamespaces(LinuxNamespace.newBuilder().setType("ipc"))
                .addNamespaces(LinuxNamespace.newBuilder().setType("uts"))
                .addNamespaces(LinuxNamespace.newBuilder().setType("mount"))
                .addNamespaces(LinuxNamespace.newBuilder().setType("network")))
        .build();
  }
}
