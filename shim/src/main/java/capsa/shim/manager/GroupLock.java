package capsa.shim.manager;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive, inter-process lock for one shim group: a file {@code <socket>.lock} beside the socket, locked with
 * {@code flock}-style {@link FileChannel#lock()}. {@code start} holds it while it probes the socket and spawns the
 * daemon, so two concurrent {@code start}s for one pod cannot both spawn; {@code delete} and the exiting daemon
 * hold it while they remove the socket.
 *
 * <p>The last user deletes the file (no leftovers under {@code /run/containerd/s}). Deleting a lock file is racy —
 * a waiter may then hold a lock on an unlinked inode while a newcomer locks a fresh file — so after locking we check
 * that the path still names the inode we locked, and otherwise start over. The check reads {@code /proc/self/fd}
 * links (an unlinked file shows as {@code "<path> (deleted)"}) rather than opening the path again: closing any
 * other descriptor of a file drops this process's POSIX locks on it.
 *
 * <p>Not for two holders in one JVM (the JDK would throw {@code OverlappingFileLockException}); the shim binary
 * is one short-lived process per call.
 */
public final class GroupLock implements AutoCloseable {

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean deleteOnClose;

    private GroupLock(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file for a socket path. */
    public static Path lockFileFor(Path socket) {
        return socket.resolveSibling(socket.getFileName() + ".lock");
    }

    /** Blocks until the lock for {@code socket}'s group is held. The socket's directory must exist. */
    public static GroupLock acquire(Path socket) throws IOException {
        Path path = lockFileFor(socket);
        while (true) {
            FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            try {
                FileLock lock = channel.lock();
                if (stillNamedBy(path, channel)) {
                    return new GroupLock(path, channel, lock);
                }
                lock.release();
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            channel.close(); // the file we locked was deleted by its previous holder: start over
        }
    }

    /** Whether the file this process has open at {@code path} is still linked there (see class comment). */
    private static boolean stillNamedBy(Path path, FileChannel channel) throws IOException {
        String named = path.toString();
        String deleted = named + " (deleted)";
        boolean found = false;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closedMeanwhile) {
                    continue;
                }
                if (target.equals(deleted)) {
                    return false;
                }
                found |= target.equals(named);
            }
        }
        return found && channel.isOpen();
    }

    /** Removes the lock file when this holder releases it (the group's socket is gone for good). */
    public void deleteOnClose() {
        deleteOnClose = true;
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        try {
            if (deleteOnClose) {
                Files.deleteIfExists(path); // while still locked, so waiters see the file vanish
            }
        } finally {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }
}
