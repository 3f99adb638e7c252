package capsa.shim.rootfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Removal of the shim's own run directories. */
public final class RunDirs {

    private static final Logger log = LoggerFactory.getLogger(RunDirs.class);

    private RunDirs() {}

    /** Removes a sandbox directory (logs, sockets, empty dirs), never across a mount. */
    public static void remove(Path dir) {
        try {
            if (!Files.exists(dir)) {
                return;
            }
            if (MountTable.anyMountUnder(dir.toRealPath().toString())) {
                log.warn("mounts remain under {}; leaving it", dir);
                return;
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            log.warn("cannot remove {}: {}", dir, e.getMessage());
        }
    }
}
