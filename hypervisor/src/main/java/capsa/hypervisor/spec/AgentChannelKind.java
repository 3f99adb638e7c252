package capsa.hypervisor.spec;

/** Which kind of agent endpoint the VMM creates; the backend turns it into a {@code capsa.vsock.AgentEndpoint}. */
public enum AgentChannelKind {
  /** AF_VSOCK with a host-reserved guest CID (KVM hosts with /dev/vhost-vsock). */
  VSOCK,
  /** Unix socket plus {@code CONNECT <port>} handshake (Cloud Hypervisor, Firecracker). */
  HYBRID_VSOCK,
  /** QEMU virtserialport {@code agent.channel.0} backed by a Unix socket (hosts without vhost-vsock). */
  VIRTIO_SERIAL
}
