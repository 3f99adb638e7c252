package capsa.hypervisor.clh;

import java.nio.file.Path;

/**
 * The files one VM owns inside its runtime directory, named as Kata names them: {@code clh-api.sock} (REST API) and
 * {@code clh.sock} (hybrid vsock; guest-initiated connections would land on {@code clh.sock_<port>}) and
 * {@code virtiofsd.sock} (the virtio-fs daemon's vhost-user socket, when the VM has a share).
 */
record ClhPaths(Path runtimeDir, Path apiSocket, Path vsockSocket, Path virtiofsdSocket) {

  static ClhPaths in(Path runtimeDir) {
    Path dir = runtimeDir.toAbsolutePath();
    return new ClhPaths(dir, dir.resolve("clh-api.sock"), dir.resolve("clh.sock"), dir.resolve("virtiofsd.sock"));
  }
}
