package capsa.vsock;

import java.io.IOException;

/**
 * The two operations CID reservation needs from {@code /dev/vhost-vsock}, behind an interface so the probing logic
 * can be tested on hosts without the device (ours have none).
 */
public interface VhostVsockDevice {

  /** Opens a new vhost-vsock instance; each open file is one potential guest. */
  int open() throws IOException;

  /**
   * {@code VHOST_VSOCK_SET_GUEST_CID}.
   *
   * @return 0 on success, else the errno (e.g. {@code EADDRINUSE} when another VM holds the CID)
   */
  int setGuestCid(int fd, long cid);

  void close(int fd);

  /** The real device through JNA. */
  static VhostVsockDevice host() {
    return new HostVhostVsockDevice(VsockLibC.load());
  }
}
