package capsa.shim.task;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The host's cgroup layout, which decides the Metrics type Stats answers with: CRI decodes
 * {@code io.containerd.cgroups.v2.Metrics} only on a unified (v2) host and v1 Metrics otherwise (legacy or hybrid).
 * As containerd decides it: what is mounted on {@code /sys/fs/cgroup} itself.
 */
public enum HostCgroups {
    V1,
    V2;

    /** From this process's mount table; V1 when it cannot be read. */
    public static HostCgroups detect() {
        try {
            return fromMountInfo(Files.readAllLines(Path.of("/proc/self/mountinfo")));
        } catch (IOException e) {
            return V1;
        }
    }

    /** The last mount on {@code /sys/fs/cgroup} wins (it is the one visible). */
    static HostCgroups fromMountInfo(List<String> lines) {
        HostCgroups mode = V1;
        for (String line : lines) {
            String[] fields = line.split(" ");
            int dash = List.of(fields).indexOf("-");
            if (fields.length > 4 && fields[4].equals("/sys/fs/cgroup") && dash > 0 && dash + 1 < fields.length) {
                mode = fields[dash + 1].equals("cgroup2") ? V2 : V1;
            }
        }
        return mode;
    }
}
