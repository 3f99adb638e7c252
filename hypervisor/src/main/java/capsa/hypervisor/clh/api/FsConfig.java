package capsa.hypervisor.clh.api;

import java.util.Objects;

/** A virtio-fs device served by a vhost-user daemon (virtiofsd) listening on {@code socket}. */
public record FsConfig(String tag, String socket, int numQueues, int queueSize, Integer pciSegment, String id) {
  public FsConfig {
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(socket, "socket");
  }
}
