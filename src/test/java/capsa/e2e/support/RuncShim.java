package capsa.e2e.support;

import capsa.shim.manager.ShimSocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code containerd-shim-runc-v2} (a Go ttrpc server of {@code containerd.task.v2.Task}) started the way containerd
 * starts it: {@code -namespace … -address … -publish-binary … -id … start} with cwd = a bundle dir holding a minimal
 * {@code config.json} and {@code TTRPC_ADDRESS} in the environment. {@code start} daemonises the server, prints its
 * {@code unix://} address and exits.
 *
 * <p>The daemon is re-parented away from us, so it is found by its command line, which carries our unique
 * {@code -address} (inside our scratch dir). Closing sends it SIGTERM (SIGKILL if it lingers), then removes its socket
 * under /run/containerd/s, the bundle and any /run/containerd directories that appeared for it.
 */
public final class RuncShim implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RuncShim.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final ScratchDir dir;
    private final RunContainerdLeftovers leftovers;
    private final String namespace;
    private final String id;
    private final ShimSocketAddress address;
    private final long pid;

    private RuncShim(ScratchDir dir, RunContainerdLeftovers leftovers, String namespace, String id,
            ShimSocketAddress address, long pid) {
        this.dir = dir;
        this.leftovers = leftovers;
        this.namespace = namespace;
        this.id = id;
        this.address = address;
        this.pid = pid;
    }

    /**
     * Starts a shim for task {@code id} in {@code namespace}. The containerd addresses it is given point into our
     * scratch dir; no containerd needs to listen there unless the shim publishes events.
     */
    public static RuncShim start(String namespace, String id) {
        return start(namespace, id, null);
    }

    /**
     * Starts a shim whose {@code -address} and {@code TTRPC_ADDRESS} are those of {@code containerd} (if not null),
     * so events it publishes reach that containerd.
     */
    public static RuncShim start(String namespace, String id, PrivateContainerd containerd) {
        HostBinaries.require(HostBinaries.RUNC_SHIM);
        HostBinaries.require(HostBinaries.RUNC); // the shim is useless without it, so its absence is a setup error
        ScratchDir dir = ScratchDir.create();
        RunContainerdLeftovers leftovers = RunContainerdLeftovers.snapshot(namespace);
        String containerdAddress = containerd == null ? dir.resolve("c.sock").toString() : containerd.grpcSocket().toString();
        String ttrpcAddress = containerd == null ? containerdAddress + ".ttrpc" : containerd.ttrpcSocket().toString();
        ShimSocketAddress address = null;
        try {
            Path bundle = writeBundle(dir.resolve("bundle"));
            CommandResult started = Commands.run(START_TIMEOUT,
                    List.of(HostBinaries.RUNC_SHIM.toString(),
                            "-namespace", namespace,
                            "-address", containerdAddress,
                            "-publish-binary", HostBinaries.CONTAINERD.toString(),
                            "-id", id,
                            "start"),
                    bundle,
                    Map.of("TTRPC_ADDRESS", ttrpcAddress)).requireSuccess();
            // start's stdout and stderr are one stream for containerd; the address is the whole (trimmed) output.
            address = ShimSocketAddress.parse(started.stdout() + started.stderr());
            long pid = findDaemon(containerdAddress, id).orElseThrow(
                    () -> new IllegalStateException("start printed an address but no shim daemon is running"));
            log.info("containerd-shim-runc-v2 pid {} listening on {}", pid, address);
            return new RuncShim(dir, leftovers, namespace, id, address, pid);
        } catch (RuntimeException e) {
            findDaemon(containerdAddress, id).ifPresent(RuncShim::stop);
            if (address != null) {
                deleteQuietly(address.socketPath());
            }
            String shimLog = readQuietly(dir.resolve("bundle/log"));
            dir.close();
            leftovers.close();
            throw new IllegalStateException("containerd-shim-runc-v2 start failed; shim log:\n" + shimLog, e);
        }
    }

    private static Path writeBundle(Path bundle) {
        try {
            Files.createDirectories(bundle.resolve("rootfs"));
            // The shim only reads annotations (for grouping) from config.json at start; a minimal spec is enough.
            Files.writeString(bundle.resolve("config.json"), """
                    {"ociVersion":"1.0.2","root":{"path":"rootfs"},"process":{"args":["/bin/sh"],"cwd":"/"}}
                    """, StandardCharsets.UTF_8);
            // containerd gives the shim a FIFO named "log"; a plain file works the same for the shim and keeps its
            // log readable after the fact without a reader thread.
            Files.createFile(bundle.resolve("log"));
            return bundle;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the shim bundle", e);
        }
    }

    /** The running shim daemon: argv[0] is the runc shim, it carries our unique -address and -id, and is not "start". */
    static OptionalLong findDaemon(String containerdAddress, String id) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> isDaemonCommandLine(readCommandLine(p), containerdAddress, id))
                    .mapToLong(p -> Long.parseLong(p.getFileName().toString()))
                    .findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isDaemonCommandLine(List<String> argv, String containerdAddress, String id) {
        if (argv.isEmpty() || !argv.get(0).endsWith("containerd-shim-runc-v2")) {
            return false;
        }
        int address = argv.indexOf("-address");
        int idFlag = argv.indexOf("-id");
        return address >= 0 && address + 1 < argv.size() && argv.get(address + 1).equals(containerdAddress)
                && idFlag >= 0 && idFlag + 1 < argv.size() && argv.get(idFlag + 1).equals(id)
                && !argv.get(argv.size() - 1).equals("start");
    }

    private static List<String> readCommandLine(Path proc) {
        try {
            String raw = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
            return raw.isEmpty() ? List.of() : Arrays.asList(raw.split("\0"));
        } catch (IOException e) {
            return List.of(); // the process went away while we looked
        }
    }

    public ShimSocketAddress address() {
        return address;
    }

    public Path socketPath() {
        return address.socketPath();
    }

    /** The daemon's pid, found independently of anything the shim says over ttrpc. */
    public long pid() {
        return pid;
    }

    public String namespace() {
        return namespace;
    }

    public String id() {
        return id;
    }

    public Path bundle() {
        return dir.resolve("bundle");
    }

    public String logText() {
        return readQuietly(bundle().resolve("log"));
    }

    public boolean isAlive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Override
    public void close() {
        try {
            stop(pid);
            deleteQuietly(address.socketPath());
        } finally {
            try {
                dir.close();
            } finally {
                leftovers.close();
            }
        }
    }

    private static void stop(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return;
        }
        handle.get().destroy();
        if (!waitGone(handle.get(), STOP_TIMEOUT)) {
            log.warn("shim pid {} ignored SIGTERM for {}; killing it", pid, STOP_TIMEOUT);
            handle.get().destroyForcibly();
            waitGone(handle.get(), STOP_TIMEOUT);
        }
    }

    private static boolean waitGone(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("cannot remove {}", path, e);
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
