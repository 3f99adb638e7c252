package capsa.agent.channel;

import capsa.agent.sys.Fd;
import capsa.agent.sys.LibC;
import capsa.agent.sys.Posix;
import capsa.ttrpc.server.TtrpcServer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves ttrpc on a {@link ByteLink} that Netty cannot drive itself (a vsock fd, a virtio-serial character device): a
 * Unix socketpair whose one end is a Netty epoll channel handed to {@link TtrpcServer#serve}, and two pump threads
 * copying between the link and the other end. When either side ends, both are torn down, so a host that goes away
 * drops its ttrpc connection state (pending calls are cancelled) and the agent lives on.
 */
final class FdBridge {
  private static final Logger log = LoggerFactory.getLogger(FdBridge.class);
  private static final int CHUNK = 64 * 1024;

  private final Posix posix;
  private final ByteLink link;
  private final String name;
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  private FdBridge(Posix posix, ByteLink link, String name) {
    this.posix = posix;
    this.link = link;
    this.name = name;
  }

  /** Starts serving; the future completes when the connection is over (host gone or server closed it). */
  static CompletableFuture<Void> serve(
      Posix posix, TtrpcServer server, EventLoopGroup group, ByteLink link, String name) throws IOException {
    int[] sv = new int[2];
    if (posix.libc().socketpair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0, sv) != 0) {
      throw posix.error("socketpair");
    }
    Fd ours = new Fd(posix, sv[1]);
    // Netty's end must be non-blocking (epoll edge-triggered reads); ours stays blocking for the pump threads.
    int flags = posix.libc().fcntl(sv[0], 3 /* F_GETFL */, 0);
    posix.libc().fcntl(sv[0], 4 /* F_SETFL */, flags | LibC.O_NONBLOCK);
    EpollDomainSocketChannel channel = new EpollDomainSocketChannel(sv[0]);
    try {
      group.register(channel).syncUninterruptibly();
    } catch (RuntimeException e) {
      channel.close();
      ours.close();
      throw new IOException("cannot register the " + name + " bridge channel", e);
    }
    server.serve(channel);
    FdBridge bridge = new FdBridge(posix, link, name);
    Thread in = new Thread(() -> bridge.linkToSocket(ours), name + "-in");
    Thread out = new Thread(() -> bridge.socketToLink(ours), name + "-out");
    in.setDaemon(true);
    out.setDaemon(true);
    in.start();
    out.start();
    bridge.done.whenComplete((v, e) -> channel.close());
    return bridge.done;
  }

  private void linkToSocket(Fd ours) {
    byte[] buf = new byte[CHUNK];
    try {
      while (true) {
        int n = link.read(buf);
        if (n <= 0) {
          break;
        }
        posix.writeFully(ours.value(), buf, n);
      }
    } catch (IOException e) {
      log.debug("{}: host side ended: {}", name, e.getMessage());
    } finally {
      // EOF towards ttrpc: the server closes the connection and cancels its calls.
      posix.libc().shutdown(ours.value(), LibC.SHUT_RDWR);
      finish(ours);
    }
  }

  private void socketToLink(Fd ours) {
    byte[] buf = new byte[CHUNK];
    try {
      while (true) {
        int n = posix.read(ours.value(), buf, buf.length);
        if (n == 0) {
          break;
        }
        link.write(buf, n);
      }
    } catch (IOException e) {
      log.debug("{}: agent side ended: {}", name, e.getMessage());
    } finally {
      link.abort();
      finish(ours);
    }
  }

  private synchronized void finish(Fd ours) {
    if (done.isDone()) {
      // second pump out: now nobody uses either end
      ours.close();
      link.close();
      log.info("{}: connection closed", name);
      return;
    }
    done.complete(null);
  }
}
