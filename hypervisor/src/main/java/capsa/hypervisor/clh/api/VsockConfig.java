package capsa.hypervisor.clh.api;

import java.util.Objects;

/**
 * The hybrid vsock device: the guest sees CID {@code cid}, the host reaches it through the Unix socket {@code socket}
 * with the {@code CONNECT <port>} handshake.
 */
public record VsockConfig(long cid, String socket, Boolean iommu, Integer pciSegment, String id) {
  public VsockConfig {
    Objects.requireNonNull(socket, "socket");
    if (cid < 3) {
      throw new IllegalArgumentException("Guest CID must be at least 3, got " + cid);
    }
  }
}
