package capsa.vsock;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the host finds the agent of one VM. Each kind of endpoint has one {@link AgentConnector} that turns it into a
 * connected Netty channel ready for ttrpc.
 */
public sealed interface AgentEndpoint
    permits AgentEndpoint.Vsock, AgentEndpoint.HybridVsock, AgentEndpoint.VirtioSerial {

  /** The agent's well-known vsock port (Kata: {@code DEFAULT_AGENT_VSOCK_PORT}). */
  int AGENT_PORT = 1024;

  /** AF_VSOCK to {@code cid:port}; production with QEMU on a KVM host with vhost-vsock. */
  record Vsock(long cid, int port) implements AgentEndpoint {
    public Vsock {
      if (cid < 3 || cid > 0xFFFF_FFFEL) {
        throw new IllegalArgumentException("Guest CID must be in [3, 2^32-2], got " + cid);
      }
      checkPort(port);
    }
  }

  /**
   * A Unix socket of the VMM plus the {@code CONNECT <port>\n} / {@code OK <n>\n} handshake (Cloud Hypervisor,
   * Firecracker).
   */
  record HybridVsock(Path socket, int port) implements AgentEndpoint {
    public HybridVsock {
      Objects.requireNonNull(socket, "socket");
      checkPort(port);
    }
  }

  /**
   * A QEMU {@code virtserialport} named {@code agent.channel.0} backed by a Unix socket that QEMU listens on. The
   * guest speaks first (a ready line); the host starts ttrpc only after reading it, because bytes sent before the
   * guest opened its port are lost.
   */
  record VirtioSerial(Path socket) implements AgentEndpoint {
    public VirtioSerial {
      Objects.requireNonNull(socket, "socket");
    }
  }

  private static void checkPort(int port) {
    if (port <= 0) {
      throw new IllegalArgumentException("Port must be positive, got " + port);
    }
  }
}
