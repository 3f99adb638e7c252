package capsa.shim.manager;

import capsa.proto.containerd.task.v2.DeleteResponse;
import capsa.proto.containerd.task.v2.ShutdownRequest;
import com.google.protobuf.Timestamp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code delete}: containerd's clean-up after a task whose shim connection closed (normally after Delete and
 * Shutdown RPCs, or because the shim died, or after a failed Create). Prints exactly one {@code DeleteResponse}.
 *
 * <p>What it does, all of it idempotent:
 * <ol>
 *   <li>Finds the group's socket from {@code <bundle>/address} (what {@code start} wrote), else by the hash.
 *   <li>If a shim still accepts there, sends it {@code Shutdown{id}} and does nothing else to it: by the Task API
 *       contract a shim exits on Shutdown only when it serves no task any more, so a pod's shim that still runs
 *       other containers keeps running. A socket that refuses connections is stale and is removed.
 *   <li>Otherwise the daemon is dead (SIGKILL, OOM killer, crash): {@link SandboxSweeper} kills the group's QEMU
 *       (only the one its pidfile names, verified), unmounts the share and removes {@code <runRoot>/<group>/} —
 *       unless a daemon process still names the socket (one shutting down normally does its own clean-up).
 *       Done under the group lock, so a concurrent {@code start} of the same group never sees half a sweep.
 *   <li>Unmounts {@code <bundle>/rootfs} if still mounted.
 *   <li>Reports {@code exit_status 137} (128 + SIGKILL, what the runc shim reports for a task whose shim is gone),
 *       {@code exited_at} now, and the init pid if the Task service recorded one in {@value #INIT_PID_FILE}.
 * </ol>
 */
public final class DeleteCommand {

    /** The bundle file where the Task service records the task's init pid (decimal, no newline needed). */
    public static final String INIT_PID_FILE = "init.pid";
    /** 128 + SIGKILL. */
    static final int EXIT_STATUS_KILLED = 137;
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

    /** How long delete waits for a SIGKILLed QEMU to go (containerd allows 5 s for all of delete). */
    private static final Duration QEMU_KILL_WAIT = Duration.ofSeconds(2);

    private final Path defaultSocketDir;
    private final SandboxSweeper sweeper;
    private final Clock clock;

    /**
     * @param runRoot where daemons keep per-sandbox state ({@code CAPSA_RUN_ROOT}, default
     *     {@code /run/capsa/sandboxes}; containerd gives {@code delete} the same environment as {@code start})
     */
    public DeleteCommand(Path defaultSocketDir, Path runRoot, Clock clock) {
        this.defaultSocketDir = Objects.requireNonNull(defaultSocketDir, "defaultSocketDir");
        this.sweeper = new SandboxSweeper(runRoot, QEMU_KILL_WAIT);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Runs {@code delete}; {@code cwd} is used when {@code -bundle} is absent. Returns the bytes to print. */
    public byte[] run(ShimFlags flags, Path cwd) {
        String id = flags.requireId();
        String namespace = flags.requireNamespace();
        Path bundle = flags.bundle().orElse(cwd);
        try {
            String group = GroupResolver.groupId(bundle.resolve("config.json"), id);
            Optional<Path> socket = groupSocket(flags, bundle, namespace, group);
            if (socket.isPresent()) {
                stopOrSweep(socket.get(), namespace, id, group);
            }
            RootfsUnmounter.unmount(bundle.resolve("rootfs"));
        } catch (IOException e) {
            throw new ShimCommandException("cannot clean up task " + namespace + "/" + id, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShimCommandException("interrupted cleaning up task " + namespace + "/" + id, e);
        }
        Instant now = clock.instant();
        return DeleteResponse.newBuilder()
                .setPid(initPid(bundle))
                .setExitStatus(EXIT_STATUS_KILLED)
                .setExitedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .build()
                .toByteArray();
    }

    private Optional<Path> groupSocket(ShimFlags flags, Path bundle, String namespace, String group) {
        try {
            String written = Files.readString(bundle.resolve("address"), StandardCharsets.UTF_8);
            return Optional.of(ShimSocketAddress.parse(written).socketPath());
        } catch (IOException | IllegalArgumentException noUsableAddress) {
            // start never ran for this bundle (or wrote something else): fall back to the naming convention
        }
        try {
            return Optional.of(ShimSocketAddress.of(defaultSocketDir, flags.address(), namespace, group).socketPath());
        } catch (IllegalArgumentException tooLong) {
            return Optional.empty(); // start could not have used it either
        }
    }

    private void stopOrSweep(Path socket, String namespace, String id, String group)
            throws IOException, InterruptedException {
        switch (SocketProbe.probe(socket)) {
            case ACCEPTING -> {
                try {
                    BlockingTtrpcCall.call(socket, "containerd.task.v2.Task", "Shutdown",
                            ShutdownRequest.newBuilder().setId(id).build(), namespace, SHUTDOWN_TIMEOUT);
                } catch (IOException e) {
                    // The shim is going away by itself, or busy; either way it is not ours to kill.
                }
            }
            case STALE, ABSENT -> {
                if (!Files.isDirectory(socket.getParent())) {
                    sweeper.sweep(group, socket); // no lock possible; start would have made the directory
                    return;
                }
                try (GroupLock lock = GroupLock.acquire(socket)) {
                    SocketProbe.State now = SocketProbe.probe(socket);
                    if (now == SocketProbe.State.ACCEPTING) {
                        return; // a new daemon took the group over while we waited for the lock
                    }
                    sweeper.sweep(group, socket);
                    Files.deleteIfExists(socket);
                    lock.deleteOnClose();
                }
            }
        }
    }

    private static int initPid(Path bundle) {
        try {
            return Integer.parseInt(Files.readString(bundle.resolve(INIT_PID_FILE), StandardCharsets.US_ASCII).strip());
        } catch (IOException | NumberFormatException unknown) {
            return 0;
        }
    }
}
