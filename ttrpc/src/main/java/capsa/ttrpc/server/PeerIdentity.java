package capsa.ttrpc.server;

/**
 * Who is on the other end of a Unix socket, as the kernel reports it (SO_PEERCRED).
 *
 * @param pid the peer's process id when it connected
 * @param uid the peer's effective user id
 * @param gid the peer's effective group id
 */
public record PeerIdentity(int pid, int uid, int gid) {}
