package capsa.shim.manager;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Unmounts {@code <bundle>/rootfs} if something is mounted there, as many times as it is stacked. Idempotent: a
 * rootfs that is not mounted (or gone) is left alone. Uses {@code umount2(2)} through JNA, loaded only when there
 * is something to unmount so that {@code delete} stays cheap in the common case.
 */
final class RootfsUnmounter {

    private static final int MNT_DETACH = 2;
    private static final int EINVAL = 22;
    private static final int ENOENT = 2;
    private static final int MAX_LAYERS = 64;

    private RootfsUnmounter() {}

    /** @return how many mounts were removed */
    static int unmount(Path rootfs) throws IOException {
        if (!Files.isDirectory(rootfs)) {
            return 0;
        }
        String target = rootfs.toRealPath().toString();
        int removed = 0;
        while (isMountPoint(target)) {
            if (removed == MAX_LAYERS) {
                throw new IOException(target + " is still mounted after " + MAX_LAYERS + " unmounts");
            }
            try {
                Libc.INSTANCE.umount2(target, MNT_DETACH);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EINVAL || e.getErrorCode() == ENOENT) {
                    break; // raced with another cleanup
                }
                throw new IOException("umount2(" + target + ") failed: errno " + e.getErrorCode(), e);
            }
            removed++;
        }
        return removed;
    }

    /** Lazily unmounts one mount point (a real path); one already gone is fine. */
    static void detach(String target) throws IOException {
        try {
            Libc.INSTANCE.umount2(target, MNT_DETACH);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != EINVAL && e.getErrorCode() != ENOENT) {
                throw new IOException("umount2(" + target + ") failed: errno " + e.getErrorCode(), e);
            }
        }
    }

    /** Whether {@code target} (a real path) is a mount point, by the mount table of our mount namespace. */
    static boolean isMountPoint(String target) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        for (String line : lines) {
            String[] fields = line.split(" ", 6);
            if (fields.length > 4 && unescape(fields[4]).equals(target)) {
                return true;
            }
        }
        return false;
    }

    private static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    /** The one libc call we need. */
    private interface Libc extends Library {
        Libc INSTANCE = Native.load("c", Libc.class);

        int umount2(String target, int flags) throws LastErrorException;
    }
}
