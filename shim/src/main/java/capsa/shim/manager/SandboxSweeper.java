package capsa.shim.manager;

import capsa.hypervisor.qemu.QemuPaths;
import capsa.shim.rootfs.MountTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Removes what a dead shim daemon left of its sandbox under {@code <runRoot>/<sid>/}: the QEMU it started, the
 * mounts below the directory (the share's bind mounts), the directory itself with QEMU's sockets and pidfile.
 *
 * <p>Why a sweep and not a watchdog next to QEMU: the JDK cannot set {@code PR_SET_PDEATHSIG} for a child, and
 * even through a native fork it fires when the forking <em>thread</em> exits, which a Java thread pool does at
 * will — it would kill healthy VMs. A watcher process per pod holding a pipe from the daemon would catch the
 * death without containerd, but costs a process per pod and its own pid-reuse care. containerd already runs
 * {@code delete} for every task of a shim whose connection died (and for leftover bundles on its restart), and
 * {@code start} sweeps a group whose daemon is gone before spawning a new one; QEMU's own pidfile is the record.
 *
 * <p>Never touches a sandbox whose daemon still runs: the caller checks the socket, and {@link #daemonAlive} also
 * looks for a process whose command line names the group socket (a daemon that is shutting down has already
 * removed its socket but is still cleaning up) or serves the same group id. A pid is killed only if its command line names this sandbox's
 * pidfile (QEMU's {@code -pidfile} argument) and it started no later than the pidfile was written: a recycled pid
 * cannot pass both. Idempotent; every step tolerates what is already gone.
 */
final class SandboxSweeper {

    /** What the sweep did, for tests and stderr. */
    record Result(Optional<Long> killedQemu, int unmounted, boolean removedDir) {
        static final Result NOTHING = new Result(Optional.empty(), 0, false);
    }

    private static final long POLL_MILLIS = 10;
    /** The pidfile is written after QEMU started; slack for coarse file timestamps. */
    private static final Duration START_SLACK = Duration.ofSeconds(2);

    private final Path runRoot;
    private final Duration killWait;

    SandboxSweeper(Path runRoot, Duration killWait) {
        this.runRoot = Objects.requireNonNull(runRoot, "runRoot");
        this.killWait = Objects.requireNonNull(killWait, "killWait");
    }

    /** The sandbox directory of group {@code sid}, if {@code sid} is a plain name (no separators, no dots only). */
    Optional<Path> sandboxDir(String sid) {
        if (sid.isEmpty() || sid.contains("/") || sid.equals(".") || sid.equals("..") || sid.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        return Optional.of(runRoot.toAbsolutePath().resolve(sid));
    }

    /**
     * Sweeps group {@code sid} unless a daemon still serves {@code socket}.
     *
     * @throws IOException if a mount cannot be removed (the directory then stays)
     */
    Result sweep(String sid, Path socket) throws IOException, InterruptedException {
        Optional<Path> found = sandboxDir(sid);
        if (found.isEmpty() || !Files.isDirectory(found.get(), LinkOption.NOFOLLOW_LINKS)) {
            return Result.NOTHING;
        }
        if (daemonAlive(socket, sid)) {
            return Result.NOTHING;
        }
        Path dir = found.get();
        Optional<Long> killed = killQemu(new QemuPaths(dir.resolve("vm")).pidFile());
        int unmounted = 0;
        for (String mountPoint : MountTable.mountPointsUnder(dir.toRealPath().toString())) {
            RootfsUnmounter.detach(mountPoint);
            unmounted++;
        }
        boolean removed = removeTree(dir);
        return new Result(killed, unmounted, removed);
    }

    /**
     * Whether a process other than this one is a daemon that may own {@code <runRoot>/<sid>}: one whose command line
     * names {@code socket}, or any {@code serve} with {@code -id sid} — the sandbox directory is keyed by the group
     * id alone, so a daemon of the same id under another containerd or namespace shares it and must be left alone.
     */
    static boolean daemonAlive(Path socket, String sid) {
        String needle = socket.toAbsolutePath().toString();
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self)
                .map(p -> cmdline(p.pid()))
                .anyMatch(c -> c.contains(needle) || servesGroup(List.of(c.split("\0")), sid));
    }

    static boolean servesGroup(List<String> args, String sid) {
        int id = args.indexOf("-id");
        return !args.isEmpty() && args.get(args.size() - 1).equals("serve") && args.contains("-socket")
                && id >= 0 && id + 1 < args.size() && args.get(id + 1).equals(sid);
    }

    /** SIGKILLs the QEMU recorded in {@code pidFile} if it is still that QEMU, and waits until it is gone. */
    private Optional<Long> killQemu(Path pidFile) throws InterruptedException {
        long pid;
        Instant written;
        try {
            pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).strip());
            written = Files.getLastModifiedTime(pidFile).toInstant();
        } catch (IOException | NumberFormatException noRecord) {
            return Optional.empty();
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !isOurQemu(handle.get(), pidFile, written)) {
            return Optional.empty();
        }
        handle.get().destroyForcibly();
        long deadline = System.nanoTime() + killWait.toNanos();
        while (running(pid) && System.nanoTime() < deadline) {
            Thread.sleep(POLL_MILLIS); // not our child: no exit notification to wait on
        }
        return Optional.of(pid);
    }

    static boolean isOurQemu(ProcessHandle process, Path pidFile, Instant pidFileWritten) {
        List<String> args = List.of(cmdline(process.pid()).split("\0"));
        int i = args.indexOf("-pidfile");
        if (i < 0 || i + 1 >= args.size() || !args.get(i + 1).equals(pidFile.toAbsolutePath().toString())) {
            return false;
        }
        // Same command line but started after the pidfile was written: a newer VM of this sandbox, not ours.
        Optional<Instant> started = process.info().startInstant();
        return started.isEmpty() || !started.get().isAfter(pidFileWritten.plus(START_SLACK));
    }

    /** Alive and not a zombie (a SIGKILLed orphan stays a zombie until its new parent reaps it). */
    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }

    static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8);
        } catch (IOException gone) {
            return "";
        }
    }

    /** Deletes {@code dir} bottom-up without following links; refuses when a mount is still below it. */
    private static boolean removeTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        if (MountTable.anyMountUnder(dir.toRealPath().toString())) {
            throw new IOException("mounts remain under " + dir);
        }
        deleteRecursively(dir);
        return true;
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> children = Files.newDirectoryStream(p)) {
                for (Path child : children) {
                    deleteRecursively(child);
                }
            } catch (NoSuchFileException raced) {
                return;
            }
        }
        Files.deleteIfExists(p);
    }
}
