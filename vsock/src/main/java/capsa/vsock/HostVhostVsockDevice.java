package capsa.vsock;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import com.sun.jna.ptr.LongByReference;
import java.io.IOException;

/** {@code /dev/vhost-vsock} through libc. */
final class HostVhostVsockDevice implements VhostVsockDevice {

  static final String PATH = "/dev/vhost-vsock";

  private final VsockLibC libc;

  HostVhostVsockDevice(VsockLibC libc) {
    this.libc = libc;
  }

  @Override
  public int open() throws IOException {
    try {
      return libc.open(PATH, VsockLibC.O_RDWR | VsockLibC.O_CLOEXEC);
    } catch (LastErrorException e) {
      throw new IOException("Cannot open " + PATH + " (errno " + e.getErrorCode() + ")", e);
    }
  }

  @Override
  public int setGuestCid(int fd, long cid) {
    try {
      libc.ioctl(fd, new NativeLong(VsockLibC.VHOST_VSOCK_SET_GUEST_CID), new LongByReference(cid));
      return 0;
    } catch (LastErrorException e) {
      return e.getErrorCode();
    }
  }

  @Override
  public void close(int fd) {
    try {
      libc.close(fd);
    } catch (LastErrorException ignored) {
      // Nothing useful to do: the fd is gone either way.
    }
  }
}
