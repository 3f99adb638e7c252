package capsa.shim.manager;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.UUID;

/**
 * An exclusive, inter-process lock for one shim group: a file {@code <socket>.lock} beside the socket, locked with
 * {@code flock}-style {@link FileChannel#lock()}. {@code start} holds it while it probes the socket and spawns the
 * daemon, so two concurrent {@code start}s for one pod cannot both spawn; {@code delete} and the exiting daemon
 * hold it while they remove the socket.
 *
 * <p>The last user deletes the file (no leftovers under {@code /run/containerd/s}). Deleting a lock file is racy —
 * a waiter may then hold a lock on an unlinked inode while a newcomer locks a fresh file — so after locking we
 * write a random token into the locked file and read it back through the path: only if the path still names the
 * inode we locked is the lock ours; otherwise we retry. Nobody writes into a lock file without holding its lock.
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

    private static boolean stillNamedBy(Path path, FileChannel channel) throws IOException {
        byte[] token = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(token), 0);
        try {
            return Arrays.equals(Files.readAllBytes(path), token);
        } catch (NoSuchFileException gone) {
            return false;
        }
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
