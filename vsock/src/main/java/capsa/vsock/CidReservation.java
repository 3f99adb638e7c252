package capsa.vsock;

/**
 * A guest CID held by an open {@code /dev/vhost-vsock} file: no other VM can take the CID while this is open. The
 * descriptor is what QEMU's {@code vhost-vsock-pci,vhostfd=<fd>} wants; closing releases the CID.
 */
public final class CidReservation implements AutoCloseable {

  private final VhostVsockDevice device;
  private final int fd;
  private final long cid;
  private boolean closed;

  CidReservation(VhostVsockDevice device, int fd, long cid) {
    this.device = device;
    this.fd = fd;
    this.cid = cid;
  }

  public long cid() {
    return cid;
  }

  /** The open vhost-vsock descriptor holding the reservation. */
  public int fd() {
    return fd;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      device.close(fd);
    }
  }
}
