package capsa.shim.manager;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether something accepts connections on a Unix socket path: one blocking connect, then close. */
public final class SocketProbe {

    /** The three states a group's socket path can be in. */
    public enum State {
        /** No file: no shim. */
        ABSENT,
        /** A file that refuses connections: the shim died without removing it. */
        STALE,
        /** A live shim accepts. */
        ACCEPTING
    }

    private SocketProbe() {}

    public static State probe(Path socket) {
        if (!Files.exists(socket)) {
            return State.ABSENT;
        }
        try (SocketChannel ignored = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return State.ACCEPTING;
        } catch (IOException refused) {
            // ECONNREFUSED on a Unix socket means nobody listens; the file may also have vanished meanwhile.
            return Files.exists(socket) ? State.STALE : State.ABSENT;
        }
    }
}
