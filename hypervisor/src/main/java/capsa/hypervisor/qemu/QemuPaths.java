package capsa.hypervisor.qemu;

import java.nio.file.Path;

/** Files QEMU creates in the VM's runtime directory; all of them go away with the directory on close. */
public record QemuPaths(Path runtimeDir) {

  public Path qmpSocket() {
    return runtimeDir.resolve("qmp.sock");
  }

  public Path agentSocket() {
    return runtimeDir.resolve("agent.sock");
  }

  public Path pidFile() {
    return runtimeDir.resolve("qemu.pid");
  }
}
