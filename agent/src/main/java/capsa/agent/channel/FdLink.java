package capsa.agent.channel;

import capsa.agent.sys.Fd;
import capsa.agent.sys.LibC;
import capsa.agent.sys.NativeException;
import capsa.agent.sys.Posix;
import java.io.IOException;

/**
 * A {@link ByteLink} over a non-blocking descriptor, driven by poll(2) with a short timeout so that {@link #abort()}
 * is seen promptly. Works for sockets (vsock) and for the virtio-serial character device, whose read returns 0 and
 * whose poll reports POLLHUP once the host side is disconnected.
 */
final class FdLink implements ByteLink {
  private static final int POLL_MILLIS = 200;

  private final Posix posix;
  private final Fd fd;
  private volatile boolean aborted;

  FdLink(Posix posix, Fd fd) throws NativeException {
    this.posix = posix;
    this.fd = fd;
    int flags = posix.libc().fcntl(fd.value(), 3 /* F_GETFL */, 0);
    if (flags < 0 || posix.libc().fcntl(fd.value(), 4 /* F_SETFL */, flags | LibC.O_NONBLOCK) < 0) {
      throw posix.error("fcntl(O_NONBLOCK)");
    }
  }

  @Override
  public int read(byte[] buf) throws IOException {
    while (!aborted) {
      short revents = posix.poll(fd.value(), LibC.POLLIN, POLL_MILLIS);
      if (revents == 0) {
        continue;
      }
      if ((revents & LibC.POLLIN) == 0 && (revents & (LibC.POLLHUP | LibC.POLLERR | LibC.POLLNVAL)) != 0) {
        return 0;
      }
      long n = posix.readOnce(fd.value(), buf, buf.length);
      if (n >= 0) {
        return (int) n;
      }
      if (n != -LibC.EAGAIN && n != -LibC.EINTR) {
        throw posix.error("read", (int) -n);
      }
    }
    return 0;
  }

  @Override
  public void write(byte[] buf, int len) throws IOException {
    int off = 0;
    byte[] chunk = buf;
    while (off < len) {
      if (aborted) {
        throw new IOException("link aborted");
      }
      if (off > 0) {
        chunk = java.util.Arrays.copyOfRange(buf, off, len);
      }
      long n = posix.writeOnce(fd.value(), chunk, len - off);
      if (n >= 0) {
        off += (int) n;
        continue;
      }
      if (n == -LibC.EAGAIN) {
        // Full (or, on virtio-serial, no host): wait for room, re-checking abort.
        short revents = posix.poll(fd.value(), LibC.POLLOUT, POLL_MILLIS);
        if ((revents & (LibC.POLLERR | LibC.POLLNVAL)) != 0) {
          throw new IOException("link failed while writing");
        }
        continue;
      }
      if (n != -LibC.EINTR) {
        throw posix.error("write", (int) -n);
      }
    }
  }

  @Override
  public void abort() {
    aborted = true;
  }

  @Override
  public void close() {
    aborted = true;
    fd.close();
  }
}
