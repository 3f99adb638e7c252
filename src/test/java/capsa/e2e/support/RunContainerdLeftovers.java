package capsa.e2e.support;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * containerd 1.6 and its shims create {@code /run/containerd/{s,fifo,runc/<ns>}} whatever paths they are configured
 * with. This remembers which of those directories existed before a fixture started and, on close, removes the ones that
 * appeared since, but only if they are empty: anything inside belongs to someone else.
 */
public final class RunContainerdLeftovers implements AutoCloseable {

    public static final Path RUN_CONTAINERD = Path.of("/run/containerd");

    private final List<Path> absentBefore = new ArrayList<>();

    private RunContainerdLeftovers(List<Path> candidates) {
        for (Path candidate : candidates) {
            if (!Files.exists(candidate)) {
                absentBefore.add(candidate);
            }
        }
    }

    /** Snapshot for several namespaces at once (runc/&lt;ns&gt; for each, then the shared parents). */
    public static RunContainerdLeftovers snapshot(List<String> namespaces) {
        List<Path> candidates = new ArrayList<>();
        for (String namespace : namespaces) {
            candidates.add(RUN_CONTAINERD.resolve("runc").resolve(namespace));
        }
        candidates.addAll(List.of(RUN_CONTAINERD.resolve("runc"), RUN_CONTAINERD.resolve("fifo"),
                RUN_CONTAINERD.resolve("s"), RUN_CONTAINERD));
        return new RunContainerdLeftovers(candidates);
    }

    /** Snapshot before starting anything that may create directories under /run/containerd for namespace {@code ns}. */
    public static RunContainerdLeftovers snapshot(String namespace) {
        // Deepest first, which is also the order in which they must be removed.
        return new RunContainerdLeftovers(List.of(
                RUN_CONTAINERD.resolve("runc").resolve(namespace),
                RUN_CONTAINERD.resolve("runc"),
                RUN_CONTAINERD.resolve("fifo"),
                RUN_CONTAINERD.resolve("s"),
                RUN_CONTAINERD));
    }

    @Override
    public void close() {
        for (Path dir : absentBefore) {
            try {
                Files.deleteIfExists(dir);
            } catch (DirectoryNotEmptyException | NoSuchFileException ignored) {
                // Not empty: another user's sockets or state live there now.
            } catch (IOException e) {
                throw new IllegalStateException("cannot remove " + dir, e);
            }
        }
    }
}
