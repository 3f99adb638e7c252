package capsa.vsock;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Structure;
import com.sun.jna.ptr.LongByReference;

/**
 * The few libc calls the vsock code needs that neither the JDK nor Netty exposes: {@code ioctl} on
 * {@code /dev/vhost-vsock}, {@code poll} to wait for a non-blocking AF_VSOCK connect, {@code fcntl} to make a socket
 * non-blocking. Loaded lazily so hosts that never use vsock never load libc through JNA.
 */
interface VsockLibC extends Library {

  int O_RDWR = 0x2;
  int O_CLOEXEC = 0x80000;
  int F_GETFL = 3;
  int F_SETFL = 4;
  int O_NONBLOCK = 0x800;
  short POLLOUT = 0x4;
  int EADDRINUSE = 98;
  int EINTR = 4;

  /** {@code _IOW(VHOST_VIRTIO 0xAF, 0x60, __u64)}: set the guest CID of a vhost-vsock device. */
  long VHOST_VSOCK_SET_GUEST_CID = 0x4008AF60L;

  int open(String path, int flags) throws LastErrorException;

  int close(int fd) throws LastErrorException;

  int ioctl(int fd, NativeLong request, LongByReference arg) throws LastErrorException;

  int fcntl(int fd, int cmd, int arg) throws LastErrorException;

  int poll(PollFd[] fds, int nfds, int timeoutMillis) throws LastErrorException;

  /** {@code struct pollfd}. */
  @Structure.FieldOrder({"fd", "events", "revents"})
  class PollFd extends Structure {
    public int fd;
    public short events;
    public short revents;
  }

  /** Loads libc; call once per component and keep the instance. */
  static VsockLibC load() {
    return Native.load("c", VsockLibC.class);
  }
}
