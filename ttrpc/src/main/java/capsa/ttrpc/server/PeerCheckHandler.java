package capsa.ttrpc.server;

import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies a {@link PeerCheck} to an accepted Unix-socket connection. Event-loop only. */
final class PeerCheckHandler {

  private static final Logger log = LoggerFactory.getLogger(PeerCheckHandler.class);

  private PeerCheckHandler() {}

  /** Returns whether the peer may stay; if not, the channel has been closed. */
  static boolean admit(EpollDomainSocketChannel channel, PeerCheck check) {
    PeerIdentity peer;
    try {
      PeerCredentials creds = channel.peerCredentials();
      int[] gids = creds.gids();
      peer = new PeerIdentity(creds.pid(), creds.uid(), gids.length > 0 ? gids[0] : -1);
    } catch (IOException e) {
      log.warn("closing ttrpc connection: cannot read peer credentials", e);
      channel.close();
      return false;
    }
    if (!check.permits(peer)) {
      log.warn("closing ttrpc connection from {}: peer not permitted", peer);
      channel.close();
      return false;
    }
    return true;
  }
}
