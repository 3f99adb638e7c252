package capsa.ttrpc.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decides whether a Unix-socket peer may talk to the server. containerd's shims only accept peers running
 * as their own user; {@link #sameUser()} does that and is the server default.
 */
@FunctionalInterface
public interface PeerCheck {

  /** Whether {@code peer} may use the connection. */
  boolean permits(PeerIdentity peer);

  /** Accepts every peer: for sockets protected by other means, or tests. */
  static PeerCheck allowAll() {
    return peer -> true;
  }

  /** Accepts peers whose uid is {@code uid}. */
  static PeerCheck uid(int uid) {
    return peer -> peer.uid() == uid;
  }

  /** Accepts peers whose uid and gid are these: containerd's {@code UnixSocketRequireSameUser} rule. */
  static PeerCheck uidAndGid(int uid, int gid) {
    return peer -> peer.uid() == uid && peer.gid() == gid;
  }

  /** Accepts peers with this process's effective uid (read from the owner of {@code /proc/self}). */
  static PeerCheck sameUser() {
    try {
      return uid((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot determine our own uid", e);
    }
  }
}
