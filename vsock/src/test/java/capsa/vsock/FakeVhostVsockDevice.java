package capsa.vsock;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A working stand-in for {@code /dev/vhost-vsock}: CIDs in {@link #taken} answer {@code EADDRINUSE}, others succeed
 * (and become taken), {@link #failWith} makes every ioctl fail with that errno. Records every probed CID and which
 * descriptors are open.
 */
final class FakeVhostVsockDevice implements VhostVsockDevice {

  final Set<Long> taken = new HashSet<>();
  final List<Long> probed = new ArrayList<>();
  final Set<Integer> open = new HashSet<>();
  int failWith;
  private int nextFd = 100;

  @Override
  public synchronized int open() throws IOException {
    int fd = nextFd++;
    open.add(fd);
    return fd;
  }

  @Override
  public synchronized int setGuestCid(int fd, long cid) {
    if (!open.contains(fd)) {
      throw new AssertionError("ioctl on closed fd " + fd);
    }
    probed.add(cid);
    if (failWith != 0) {
      return failWith;
    }
    if (!taken.add(cid)) {
      return VsockLibC.EADDRINUSE;
    }
    return 0;
  }

  @Override
  public synchronized void close(int fd) {
    if (!open.remove(fd)) {
      throw new AssertionError("double close of fd " + fd);
    }
  }
}
