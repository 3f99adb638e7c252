package capsa.agent.io;

import capsa.agent.sys.Fd;
import capsa.agent.sys.LibC;
import capsa.agent.sys.NativeException;
import capsa.agent.sys.Posix;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Unix socket given to runc as {@code --console-socket}: runc connects once and sends the pty master by
 * SCM_RIGHTS. runc does not wait for us, so the agent accepts after runc has exited and the fd sits in the socket
 * buffer.
 *
 * <p>Layouts used (x86_64/aarch64 glibc): {@code sockaddr_un} = u16 family + 108 path bytes; {@code msghdr} = name(8)
 * namelen(4+4) iov(8) iovlen(8) control(8) controllen(8) flags(4+4) = 56 bytes; {@code cmsghdr} = len(8) level(4)
 * type(4) then data.
 */
public final class ConsoleSocket implements AutoCloseable {
  private static final int SUN_PATH_MAX = 108;
  private static final int MSGHDR_SIZE = 56;
  private static final int CMSG_BUF = 64;
  private static final int PAYLOAD = 4096;
  private static final int MSG_CMSG_CLOEXEC = 0x40000000;

  private final Posix posix;
  private final Path path;
  private final Fd listener;

  public ConsoleSocket(Posix posix, Path path) throws IOException {
    this.posix = posix;
    this.path = path;
    byte[] p = path.toString().getBytes(StandardCharsets.UTF_8);
    if (p.length >= SUN_PATH_MAX) {
      throw new IOException("console socket path too long: " + path);
    }
    Files.deleteIfExists(path);
    LibC libc = posix.libc();
    int fd = libc.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw posix.error("socket(AF_UNIX)");
    }
    this.listener = new Fd(posix, fd);
    try (Memory addr = new Memory(2 + SUN_PATH_MAX)) {
      addr.clear();
      addr.setShort(0, (short) LibC.AF_UNIX);
      addr.write(2, p, 0, p.length);
      if (libc.bind(fd, addr, 2 + p.length + 1) != 0) {
        throw posix.error("bind " + path);
      }
      if (libc.listen(fd, 1) != 0) {
        throw posix.error("listen " + path);
      }
    } catch (IOException e) {
      listener.close();
      throw e;
    }
  }

  public Path path() {
    return path;
  }

  /** Accepts runc's connection and returns the pty master it sent. */
  public Fd receiveMaster(int timeoutMillis) throws IOException {
    short revents = posix.poll(listener.value(), LibC.POLLIN, timeoutMillis);
    if ((revents & LibC.POLLIN) == 0) {
      throw new IOException("runc did not connect to the console socket " + path);
    }
    LibC libc = posix.libc();
    int conn = libc.accept4(listener.value(), null, null, LibC.SOCK_CLOEXEC);
    if (conn < 0) {
      throw posix.error("accept console socket");
    }
    try (Fd connection = new Fd(posix, conn);
        Memory msg = new Memory(MSGHDR_SIZE);
        Memory iov = new Memory(16);
        Memory data = new Memory(PAYLOAD);
        Memory control = new Memory(CMSG_BUF)) {
      msg.clear();
      control.clear();
      iov.setPointer(0, data);
      iov.setLong(8, PAYLOAD);
      msg.setPointer(16, iov);
      msg.setLong(24, 1);
      msg.setPointer(32, control);
      msg.setLong(40, CMSG_BUF);
      if (posix.poll(connection.value(), LibC.POLLIN, timeoutMillis) == 0) {
        throw new IOException("runc sent no pty master on " + path);
      }
      long n = libc.recvmsg(connection.value(), msg, MSG_CMSG_CLOEXEC);
      if (n < 0) {
        throw posix.error("recvmsg console socket");
      }
      long controlLen = msg.getLong(40);
      if (controlLen < 20
          || control.getInt(8) != LibC.SOL_SOCKET
          || control.getInt(12) != LibC.SCM_RIGHTS) {
        throw new IOException("console socket message carried no file descriptor");
      }
      return new Fd(posix, control.getInt(16));
    }
  }

  /** TIOCSWINSZ on a pty master. */
  public static void resize(Posix posix, Fd master, int rows, int columns) throws NativeException {
    try (Memory ws = new Memory(8)) {
      ws.clear();
      ws.setShort(0, (short) rows);
      ws.setShort(2, (short) columns);
      if (posix.libc().ioctl(master.value(), LibC.TIOCSWINSZ, ws) != 0) {
        throw posix.error("ioctl(TIOCSWINSZ)", Native.getLastError());
      }
    }
  }

  @Override
  public void close() {
    listener.close();
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // best effort: the directory is removed with the container
    }
  }
}
