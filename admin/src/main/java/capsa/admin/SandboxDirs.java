package capsa.admin;

import capsa.shim.sandbox.SandboxStateFile;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The shim's run root as {@code capsa ps} and {@code capsa logs} read it: one directory per sandbox, with
 * {@code sandbox.json} once its agent answered, {@code console.log}, and {@code shared/<container>/rootfs}.
 */
final class SandboxDirs {

    /** One sandbox; {@code state} is empty while it boots. */
    record Entry(String id, Path dir, Optional<SandboxStateFile> state, List<String> containers) {}

    private final Path runRoot;
    private final ObjectMapper mapper = new ObjectMapper();

    SandboxDirs(Path runRoot) {
        this.runRoot = runRoot;
    }

    Path runRoot() {
        return runRoot;
    }

    List<Entry> list() throws IOException {
        if (!Files.isDirectory(runRoot)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(runRoot)) {
            return dirs.filter(Files::isDirectory).sorted().map(this::entry).toList();
        }
    }

    Optional<Path> dir(String id) {
        Path d = runRoot.resolve(id).normalize();
        return d.getParent().equals(runRoot.normalize()) && Files.isDirectory(d) ? Optional.of(d) : Optional.empty();
    }

    private Entry entry(Path dir) {
        Optional<SandboxStateFile> state;
        try {
            state = Files.exists(dir.resolve(SandboxStateFile.NAME))
                    ? Optional.of(SandboxStateFile.read(dir, mapper)) : Optional.empty();
        } catch (IOException e) {
            state = Optional.empty();
        }
        List<String> containers;
        try (Stream<Path> s = Files.list(dir.resolve("shared"))) {
            containers = s.filter(c -> Files.isDirectory(c.resolve("rootfs"))).map(c -> c.getFileName().toString())
                    .sorted().toList();
        } catch (IOException e) {
            containers = List.of();
        }
        return new Entry(dir.getFileName().toString(), dir, state, containers);
    }
}
