package capsa.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What is left on the host under a scratch dir after a fixture closed: processes whose command line names the dir
 * (containerd, its shims, a QEMU with a socket there), mounts below it, and the dir itself.
 */
public record Leftovers(Path dir, List<String> processes, List<String> mounts, boolean dirExists) {

    public static Leftovers under(Path dir) {
        String prefix = dir.toString();
        return new Leftovers(dir, processesNaming(prefix), mountsBelow(prefix), Files.exists(dir));
    }

    /** Pids of the shims (any runtime) serving the containerd on {@code grpcSocket}: their argv names it. */
    public static List<Long> shimPids(Path grpcSocket) {
        return ContainerdSweep.processesWithAddress(grpcSocket.toString());
    }

    /** Mount points (anywhere) whose path contains {@code fragment}, e.g. a sandbox or container id. */
    public static List<String> mountsNaming(String fragment) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/mounts"))) {
            return lines.map(line -> line.split(" "))
                    .filter(fields -> fields.length > 1 && fields[1].contains(fragment))
                    .map(fields -> fields[1])
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean none() {
        return processes.isEmpty() && mounts.isEmpty() && !dirExists;
    }

    private static List<String> processesNaming(String prefix) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .map(p -> p.getFileName() + ": " + String.join(" ", ContainerdSweep.commandLine(p)))
                    .filter(line -> line.contains(prefix))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> mountsBelow(String prefix) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/mounts"))) {
            return lines.map(line -> line.split(" "))
                    .filter(fields -> fields.length > 1 && fields[1].startsWith(prefix + "/"))
                    .map(fields -> fields[1])
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
