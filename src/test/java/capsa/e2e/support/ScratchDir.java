package capsa.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A fresh directory directly under /tmp with a short name, so that socket paths inside it stay far below the 107-byte
 * {@code sun_path} limit. Closing it unmounts anything left mounted below it and deletes it recursively.
 */
public final class ScratchDir implements AutoCloseable {

    private final Path path;

    private ScratchDir(Path path) {
        this.path = path;
    }

    public static ScratchDir create() {
        try {
            return new ScratchDir(Files.createTempDirectory(Path.of("/tmp"), "capsa-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch dir under /tmp", e);
        }
    }

    public Path path() {
        return path;
    }

    public Path resolve(String name) {
        return path.resolve(name);
    }

    @Override
    public void close() {
        unmountBelow(path);
        deleteRecursively(path);
    }

    static void unmountBelow(Path root) {
        List<String> mountPoints = new ArrayList<>();
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/mounts"))) {
            lines.map(line -> line.split(" "))
                    .filter(fields -> fields.length > 1)
                    .map(fields -> fields[1].replace("\\040", " "))
                    .filter(mountPoint -> mountPoint.startsWith(root + "/"))
                    .forEach(mountPoints::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Deepest first, lazily, so a busy mount cannot keep the directory from going away.
        mountPoints.sort(Comparator.comparingInt(String::length).reversed());
        for (String mountPoint : mountPoints) {
            Commands.run(Duration.ofSeconds(30), List.of("umount", "-l", mountPoint));
        }
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path entry : walk.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(entry);
                } catch (NoSuchFileException | DirectoryNotEmptyException ignored) {
                    // Something still writing into it (a dying daemon's log); retried by the caller if it matters.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
