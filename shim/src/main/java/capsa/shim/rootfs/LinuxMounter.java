package capsa.shim.rootfs;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@link Mounter} through libc's mount(2)/umount2(2) (JNA); needs CAP_SYS_ADMIN, as the shim has. */
public final class LinuxMounter implements Mounter {

    private static final int MNT_DETACH = 2;
    private static final int EINVAL = 22;
    private static final int ENOENT = 2;
    private static final int MAX_LAYERS = 64;

    @Override
    public void mount(String type, String source, Path target, List<String> options) throws IOException {
        MountFlags f = MountFlags.parse(options);
        if ((f.flags() & MountFlags.MS_BIND) != 0) {
            bind(Path.of(source), target, (f.flags() & MountFlags.MS_RDONLY) != 0);
            return;
        }
        call("mount " + type + " on " + target, () -> Libc.INSTANCE.mount(
                source, target.toString(), type, f.flags(), f.data().isEmpty() ? null : f.data()));
    }

    @Override
    public void bind(Path source, Path target, boolean readOnly) throws IOException {
        String t = target.toString();
        call("bind " + source + " on " + t,
                () -> Libc.INSTANCE.mount(source.toString(), t, null, MountFlags.MS_BIND | MountFlags.MS_REC, null));
        // Private: later mounts under the source (or the target) must not propagate into each other.
        call("make " + t + " private", () -> Libc.INSTANCE.mount(null, t, null,
                MountFlags.MS_PRIVATE | MountFlags.MS_REC, null));
        if (readOnly) {
            // A bind ignores MS_RDONLY on the first call; read-only takes a remount of the bind.
            call("remount " + t + " read-only", () -> Libc.INSTANCE.mount(null, t, null,
                    MountFlags.MS_REMOUNT | MountFlags.MS_BIND | MountFlags.MS_RDONLY, null));
        }
    }

    @Override
    public void unmountAll(Path target) throws IOException {
        if (!Files.exists(target)) {
            return;
        }
        String t = target.toRealPath().toString();
        for (int i = 0; i < MAX_LAYERS && MountTable.isMountPoint(t); i++) {
            try {
                Libc.INSTANCE.umount2(t, MNT_DETACH);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EINVAL || e.getErrorCode() == ENOENT) {
                    return;
                }
                throw new IOException("umount2(" + t + ") failed: errno " + e.getErrorCode(), e);
            }
        }
    }

    private interface Call {
        void run() throws LastErrorException;
    }

    private static void call(String what, Call call) throws IOException {
        try {
            call.run();
        } catch (LastErrorException e) {
            throw new IOException(what + " failed: errno " + e.getErrorCode(), e);
        }
    }

    private interface Libc extends Library {
        Libc INSTANCE = Native.load("c", Libc.class);

        int mount(String source, String target, String type, long flags, String data) throws LastErrorException;

        int umount2(String target, int flags) throws LastErrorException;
    }
}
