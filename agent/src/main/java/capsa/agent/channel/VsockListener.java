package capsa.agent.channel;

import capsa.agent.sys.Fd;
import capsa.agent.sys.LibC;
import capsa.agent.sys.Posix;
import capsa.ttrpc.server.TtrpcServer;
import com.sun.jna.Memory;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on AF_VSOCK ({@code VMADDR_CID_ANY}, port 1024 by default) and serves ttrpc on every accepted connection.
 * JNA sockets plus an {@link FdBridge}, because Netty 4.1's epoll transport has no vsock address type.
 *
 * <p>{@code sockaddr_vm}: u16 family (40), u16 reserved, u32 port, u32 cid, u8 flags, 3 zero bytes = 16 bytes.
 */
public final class VsockListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VsockListener.class);
  private static final int VMADDR_CID_ANY = -1;

  private final Posix posix;
  private final Fd listener;
  private final int port;
  private volatile boolean closed;

  private VsockListener(Posix posix, Fd listener, int port) {
    this.posix = posix;
    this.listener = listener;
    this.port = port;
  }

  /** Binds and listens; throws when the guest has no vsock (no AF_VSOCK transport loaded). */
  public static VsockListener bind(Posix posix, int port) throws IOException {
    LibC libc = posix.libc();
    int fd = libc.socket(LibC.AF_VSOCK, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw posix.error("socket(AF_VSOCK)");
    }
    Fd owned = new Fd(posix, fd);
    try (Memory addr = new Memory(16)) {
      addr.clear();
      addr.setShort(0, (short) LibC.AF_VSOCK);
      addr.setInt(4, port);
      addr.setInt(8, VMADDR_CID_ANY);
      if (libc.bind(fd, addr, 16) != 0) {
        throw posix.error("bind vsock port " + port);
      }
      if (libc.listen(fd, 16) != 0) {
        throw posix.error("listen vsock");
      }
    } catch (IOException e) {
      owned.close();
      throw e;
    }
    return new VsockListener(posix, owned, port);
  }

  /** Accepts connections on a daemon thread until closed. */
  public Thread serve(TtrpcServer server, EventLoopGroup group) {
    Thread t = new Thread(() -> acceptLoop(server, group), "vsock-accept");
    t.setDaemon(true);
    t.start();
    log.info("Listening on vsock port {}", port);
    return t;
  }

  private void acceptLoop(TtrpcServer server, EventLoopGroup group) {
    int n = 0;
    while (!closed) {
      try {
        if ((posix.poll(listener.value(), LibC.POLLIN, 500) & LibC.POLLIN) == 0) {
          continue;
        }
        int conn = posix.libc().accept4(listener.value(), null, null, LibC.SOCK_CLOEXEC);
        if (conn < 0) {
          log.warn("vsock accept failed: {}", posix.error("accept").getMessage());
          continue;
        }
        FdBridge.serve(posix, server, group, new FdLink(posix, new Fd(posix, conn)), "vsock-" + ++n);
      } catch (IOException | RuntimeException e) {
        if (!closed) {
          log.warn("vsock listener: {}", e.getMessage());
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    listener.close();
  }
}
