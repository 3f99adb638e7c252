package capsa.shim.testing;

import capsa.shim.manager.GroupLock;
import capsa.shim.manager.ShimSocketAddress;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * containerd's side of a shim test, without containerd: a scratch directory under /tmp with task bundles (a
 * {@code config.json} and a {@code log} FIFO that we keep open read-write and drain, as containerd does), and a
 * made-up containerd address inside it so that socket hashes never collide with anyone's.
 *
 * <p>Closing kills any shim daemon a bundle's {@code shim.pid} names that is still running, removes the sockets
 * and lock files of the groups used, the scratch directory, and {@code /run/containerd/s} and
 * {@code /run/containerd} if they did not exist before and are empty.
 */
public final class ScratchBundles implements AutoCloseable {

    private static final Path RUN_CONTAINERD = Path.of("/run/containerd");
    private static final Path SOCKET_DIR = ShimSocketAddress.DEFAULT_SOCKET_DIR;

    private final Path root;
    private final boolean socketDirExisted = Files.exists(SOCKET_DIR);
    private final boolean runContainerdExisted = Files.exists(RUN_CONTAINERD);
    private final List<Path> bundles = new CopyOnWriteArrayList<>();
    private final List<String> groups = new CopyOnWriteArrayList<>();
    private final List<LogDrain> drains = new CopyOnWriteArrayList<>();

    public ScratchBundles() {
        try {
            root = Files.createTempDirectory(Path.of("/tmp"), "cs-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path root() {
        return root;
    }

    /** The containerd gRPC address we pretend to be; only hashed, never dialled. */
    public String containerdAddress() {
        return root.resolve("c.sock").toString();
    }

    /** The socket start will use for group {@code groupId} in {@code namespace}. */
    public ShimSocketAddress socketFor(String namespace, String groupId) {
        groups.add(namespace + "/" + groupId);
        return ShimSocketAddress.of(containerdAddress(), namespace, groupId);
    }

    /** A bundle for task {@code id} whose config.json has these annotations (JSON object body, may be empty). */
    public Path bundle(String id, String annotationsJson) {
        Path bundle = root.resolve(id);
        try {
            Files.createDirectories(bundle.resolve("rootfs"));
            Files.writeString(bundle.resolve("config.json"),
                    "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},\"annotations\":{" + annotationsJson
                            + "}}");
            Path fifo = bundle.resolve("log");
            Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
            if (mkfifo.waitFor() != 0) {
                throw new IllegalStateException("mkfifo failed");
            }
            drains.add(new LogDrain(fifo));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        bundles.add(bundle);
        return bundle;
    }

    /** Everything the daemons logged into the bundles' FIFOs so far. */
    public String logs() {
        StringBuilder all = new StringBuilder();
        drains.forEach(d -> all.append(d.text()));
        return all.toString();
    }

    /** The pid in a bundle's shim.pid, if the daemon wrote one. */
    public static Optional<Long> daemonPid(Path bundle) {
        try {
            return Optional.of(Long.parseLong(Files.readString(bundle.resolve("shim.pid")).strip()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException, java.util.concurrent.ExecutionException,
            java.util.concurrent.TimeoutException, InterruptedException {
        // Every daemon of ours names a bundle under root on its command line, whether or not it wrote shim.pid.
        List<ProcessHandle> daemons = ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid() && commandLine(p.pid()).contains(root + "/"))
                .toList();
        for (ProcessHandle daemon : daemons) {
            daemon.destroyForcibly();
        }
        for (ProcessHandle daemon : daemons) {
            daemon.onExit().get(30, TimeUnit.SECONDS);
        }
        for (String group : groups) {
            String[] parts = group.split("/", 2);
            Path socket = ShimSocketAddress.of(containerdAddress(), parts[0], parts[1]).socketPath();
            Files.deleteIfExists(socket);
            Files.deleteIfExists(GroupLock.lockFileFor(socket));
        }
        drains.forEach(LogDrain::close);
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        List<Path> mine = new ArrayList<>();
        if (!socketDirExisted) {
            mine.add(SOCKET_DIR);
        }
        if (!runContainerdExisted) {
            mine.add(RUN_CONTAINERD);
        }
        for (Path dir : mine) {
            try {
                Files.deleteIfExists(dir);
            } catch (DirectoryNotEmptyException someoneElses) {
                // another test's or user's sockets
            }
        }
    }

    private static String commandLine(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException gone) {
            return "";
        }
    }

    /** Holds a FIFO open read-write (never blocks, never EOF) and collects what is written to it. */
    private static final class LogDrain implements AutoCloseable {
        private final RandomAccessFile fifo;
        private final StringBuffer text = new StringBuffer();
        private final Thread reader;

        LogDrain(Path path) throws IOException {
            fifo = new RandomAccessFile(path.toFile(), "rw");
            reader = new Thread(() -> {
                byte[] buf = new byte[8192];
                try {
                    int n;
                    while ((n = fifo.read(buf)) > 0) {
                        text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException closed) {
                    // closed by close()
                }
            }, "log-fifo-drain");
            reader.setDaemon(true);
            reader.start();
        }

        String text() {
            return text.toString();
        }

        @Override
        public void close() {
            try {
                fifo.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
