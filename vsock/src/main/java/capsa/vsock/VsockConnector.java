package capsa.vsock;

import com.sun.jna.LastErrorException;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.epoll.VSockAddress;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Connects to the agent over AF_VSOCK ({@code <cid>:<port>}).
 *
 * <p>Netty 4.1 has AF_VSOCK sockets ({@link LinuxSocket#newVSockStream()}, {@link LinuxSocket#connectVSock}) but no
 * channel that connects to a {@link VSockAddress}. So the connect happens here, off the event loop: a non-blocking
 * connect, {@code poll} for writability until the attempt deadline, {@code finishConnect}; the connected descriptor is
 * then wrapped in an epoll stream channel and registered with the event loop. {@link EpollDomainSocketChannel} is
 * used as that wrapper because, unlike the TCP channel, it sets no protocol options on the descriptor; its
 * Unix-specific extras (peer credentials, fd passing) must not be used on these channels.
 *
 * <p>The endpoint type already refuses CIDs below 3, so the host never dials the hypervisor (0), itself (1) or the
 * host CID (2). The one exception is {@link #connectLocalInGuest}, for code that runs inside a guest with
 * {@code vsock_loopback} loaded (the in-guest vsock tests).
 */
public final class VsockConnector implements AgentConnector<AgentEndpoint.Vsock> {

  private final EventLoopGroup group;
  private final Executor blocking;
  private volatile VsockLibC libc;

  /**
   * @param group the epoll group the connected channel is registered with
   * @param blocking where the connect and its {@code poll} wait run (never an event loop)
   */
  public VsockConnector(EventLoopGroup group, Executor blocking) {
    this.group = group;
    this.blocking = blocking;
  }

  @Override
  public CompletableFuture<Channel> connect(AgentEndpoint.Vsock endpoint, Instant attemptDeadline) {
    return connect(endpoint.cid(), endpoint.port(), attemptDeadline);
  }

  /**
   * Connects to {@code port} on the local CID ({@code VMADDR_CID_LOCAL} = 1) through the same path as
   * {@link #connect}. Only for code running INSIDE a guest that has {@code vsock_loopback}: on one of our hosts CID 1
   * is routed to the outer hypervisor, which never answers.
   */
  public CompletableFuture<Channel> connectLocalInGuest(int port, Instant attemptDeadline) {
    return connect(VMADDR_CID_LOCAL, port, attemptDeadline);
  }

  private static final long VMADDR_CID_LOCAL = 1;

  private CompletableFuture<Channel> connect(long cid, int port, Instant attemptDeadline) {
    CompletableFuture<Channel> result = new CompletableFuture<>();
    if (!Instant.now().isBefore(attemptDeadline)) {
      result.completeExceptionally(new ConnectException("Attempt deadline passed before connecting to vsock "
          + cid + ":" + port));
      return result;
    }
    blocking.execute(() -> {
      Channel channel;
      try {
        channel = connectBlocking(cid, port, attemptDeadline);
      } catch (Throwable t) {
        result.completeExceptionally(t);
        return;
      }
      group.register(channel).addListener(f -> {
        if (f.isSuccess()) {
          result.complete(channel);
        } else {
          channel.close();
          result.completeExceptionally(f.cause());
        }
      });
    });
    return result;
  }

  private Channel connectBlocking(long cid, int port, Instant deadline) throws IOException {
    Epoll.ensureAvailability();
    LinuxSocket socket = LinuxSocket.newVSockStream();
    boolean handedOver = false;
    try {
      // VSockAddress takes the CID as a signed int; CIDs above 2^31 wrap to the same 32 bits the kernel reads.
      boolean connected = socket.connectVSock(new VSockAddress((int) cid, port));
      if (!connected) {
        awaitWritable(socket.intValue(), cid, port, deadline);
        if (!socket.finishConnect()) {
          throw new ConnectException("vsock " + cid + ":" + port + " still connecting");
        }
      }
      Channel channel = wrapConnected(libc(), socket.intValue());
      handedOver = true;
      return channel;
    } finally {
      if (!handedOver) {
        socket.close();
      }
    }
  }

  private void awaitWritable(int fd, long cid, int port, Instant deadline) throws IOException {
    VsockLibC.PollFd[] fds = (VsockLibC.PollFd[]) new VsockLibC.PollFd().toArray(1);
    while (true) {
      long remaining = Duration.between(Instant.now(), deadline).toMillis();
      if (remaining <= 0) {
        throw new ConnectException(
            "vsock " + cid + ":" + port + " did not connect before the attempt deadline");
      }
      fds[0].fd = fd;
      fds[0].events = VsockLibC.POLLOUT;
      fds[0].revents = 0;
      try {
        if (libc().poll(fds, 1, (int) Math.min(remaining, Integer.MAX_VALUE)) > 0) {
          return;
        }
      } catch (LastErrorException e) {
        if (e.getErrorCode() != VsockLibC.EINTR) {
          throw new IOException("poll on vsock socket failed (errno " + e.getErrorCode() + ")", e);
        }
      }
    }
  }

  /**
   * Wraps a connected stream socket in an unregistered epoll channel. The descriptor is made non-blocking first, as
   * epoll's edge-triggered reads need.
   */
  static Channel wrapConnected(VsockLibC libc, int fd) {
    int flags = libc.fcntl(fd, VsockLibC.F_GETFL, 0);
    if ((flags & VsockLibC.O_NONBLOCK) == 0) {
      libc.fcntl(fd, VsockLibC.F_SETFL, flags | VsockLibC.O_NONBLOCK);
    }
    return new EpollDomainSocketChannel(fd);
  }

  private VsockLibC libc() {
    VsockLibC l = libc;
    if (l == null) {
      l = VsockLibC.load();
      libc = l;
    }
    return l;
  }
}
