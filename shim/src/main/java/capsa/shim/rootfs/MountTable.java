package capsa.shim.rootfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Reads our mount namespace's table ({@code /proc/self/mountinfo}). */
public final class MountTable {

    private MountTable() {}

    /** Whether {@code realPath} is a mount point. */
    public static boolean isMountPoint(String realPath) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ", 6);
            if (fields.length > 4 && unescape(fields[4]).equals(realPath)) {
                return true;
            }
        }
        return false;
    }

    /** Whether any mount point lies at or below {@code realDir}. */
    public static boolean anyMountUnder(String realDir) throws IOException {
        return !mountPointsUnder(realDir).isEmpty();
    }

    /** Mount points at or below {@code realDir}, deepest (longest path) first. */
    public static List<String> mountPointsUnder(String realDir) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ", 6);
            if (fields.length > 4) {
                String mp = unescape(fields[4]);
                if ((mp.equals(realDir) || mp.startsWith(realDir + "/")) && !out.contains(mp)) {
                    out.add(mp);
                }
            }
        }
        out.sort(Comparator.comparingInt(String::length).reversed());
        return out;
    }

    private static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
