package capsa.shim.rootfs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * containerd mount options → mount(2) flags + the data string (what is not a flag, e.g. overlay's
 * {@code lowerdir=}). Only the flags containerd's snapshotters and OCI bind mounts use.
 */
record MountFlags(long flags, String data) {

    static final long MS_RDONLY = 1;
    static final long MS_NOSUID = 2;
    static final long MS_NODEV = 4;
    static final long MS_NOEXEC = 8;
    static final long MS_REMOUNT = 32;
    static final long MS_NOATIME = 1024;
    static final long MS_BIND = 4096;
    static final long MS_REC = 16384;
    static final long MS_PRIVATE = 1 << 18;
    static final long MS_RELATIME = 1 << 21;

    private static final Map<String, Long> SET = Map.of(
            "ro", MS_RDONLY, "nosuid", MS_NOSUID, "nodev", MS_NODEV, "noexec", MS_NOEXEC,
            "noatime", MS_NOATIME, "relatime", MS_RELATIME, "bind", MS_BIND, "rbind", MS_BIND | MS_REC);
    private static final List<String> CLEAR = List.of("rw", "suid", "dev", "exec", "atime");

    static MountFlags parse(List<String> options) {
        long flags = 0;
        List<String> data = new ArrayList<>();
        for (String o : options) {
            Long f = SET.get(o);
            if (f != null) {
                flags |= f;
            } else if (!CLEAR.contains(o) && !o.isEmpty()) {
                data.add(o);
            }
        }
        return new MountFlags(flags, String.join(",", data));
    }
}
