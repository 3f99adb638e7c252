package capsa.agent.sys;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

/**
 * Checked wrappers over {@link LibC}: every failure becomes a {@link NativeException} naming the call, and EINTR is
 * retried where a retry is always right. One instance is made by the composition root and passed down.
 */
public final class Posix {
  private final LibC libc;

  public Posix(LibC libc) {
    this.libc = libc;
  }

  public LibC libc() {
    return libc;
  }

  public NativeException error(String call) {
    int errno = Native.getLastError();
    return new NativeException(call, errno, libc.strerror(errno));
  }

  public NativeException error(String call, int errno) {
    return new NativeException(call, errno, libc.strerror(errno));
  }

  /** A close-on-exec pipe: {@code [readEnd, writeEnd]}. */
  public Fd[] pipe() throws NativeException {
    int[] fds = new int[2];
    if (libc.pipe2(fds, LibC.O_CLOEXEC) != 0) {
      throw error("pipe2");
    }
    return new Fd[] {new Fd(this, fds[0]), new Fd(this, fds[1])};
  }

  public Fd open(String path, int flags, int mode) throws NativeException {
    int fd = libc.open(path, flags | LibC.O_CLOEXEC, mode);
    if (fd < 0) {
      throw error("open " + path);
    }
    return new Fd(this, fd);
  }

  void closeQuietly(int fd) {
    libc.close(fd);
  }

  /** Reads up to {@code len} bytes; 0 means end of file. EIO (a pty whose other side is gone) also reads as 0. */
  public int read(int fd, byte[] buf, int len) throws NativeException {
    while (true) {
      long n = libc.read(fd, buf, len);
      if (n >= 0) {
        return (int) n;
      }
      int errno = Native.getLastError();
      if (errno == LibC.EINTR) {
        continue;
      }
      if (errno == LibC.EIO) {
        return 0;
      }
      throw error("read", errno);
    }
  }

  /** Writes all of {@code buf[0, len)} to a blocking fd. */
  public void writeFully(int fd, byte[] buf, int len) throws NativeException {
    int off = 0;
    byte[] chunk = buf;
    while (off < len) {
      if (off > 0) {
        chunk = java.util.Arrays.copyOfRange(buf, off, len);
      }
      long n = libc.write(fd, chunk, len - off);
      if (n < 0) {
        int errno = Native.getLastError();
        if (errno == LibC.EINTR) {
          continue;
        }
        throw error("write", errno);
      }
      off += (int) n;
    }
  }

  /** One write; returns bytes written or -errno (EAGAIN on a non-blocking fd). */
  public long writeOnce(int fd, byte[] buf, int len) {
    long n = libc.write(fd, buf, len);
    return n >= 0 ? n : -Native.getLastError();
  }

  /** One read; returns bytes read, 0 at EOF, or -errno. */
  public long readOnce(int fd, byte[] buf, int len) {
    long n = libc.read(fd, buf, len);
    return n >= 0 ? n : -Native.getLastError();
  }

  /** poll(2) on one fd; returns revents (0 on timeout). */
  public short poll(int fd, short events, int timeoutMillis) throws NativeException {
    try (Memory pfd = new Memory(8)) {
      pfd.clear();
      pfd.setInt(0, fd);
      pfd.setShort(4, events);
      while (true) {
        int n = libc.poll(pfd, 1, timeoutMillis);
        if (n >= 0) {
          return n == 0 ? 0 : pfd.getShort(6);
        }
        int errno = Native.getLastError();
        if (errno != LibC.EINTR) {
          throw error("poll", errno);
        }
      }
    }
  }

  /** kill(2); returns 0 or the errno (ESRCH for a process that is gone). */
  public int kill(int pid, int signal) {
    return libc.kill(pid, signal) == 0 ? 0 : Native.getLastError();
  }

  public void mount(String source, String target, String fstype, long flags, String data) throws NativeException {
    if (libc.mount(source, target, fstype, new NativeLong(flags), data) != 0) {
      throw error("mount " + source + " on " + target + " (" + fstype + ")");
    }
  }

  public void umount(String target, int flags) throws NativeException {
    if (libc.umount2(target, flags) != 0) {
      throw error("umount " + target);
    }
  }
}
