package capsa.e2e.vm;

import capsa.e2e.support.PrivateContainerd;
import capsa.shim.manager.GroupLock;
import capsa.shim.manager.ShimSocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * What a task run through our shim may leave on the host, and the wait until it is all gone: the QEMU of its
 * sandbox, the shim daemon, the shim socket and its lock file, the sandbox directory under
 * {@code /run/capsa/sandboxes}, mounts of the bundle or sandbox, and containerd's bundle.
 */
final class VmLeftovers {

    static final Path RUN_ROOT = Path.of("/run/capsa/sandboxes");
    private static final Duration GONE = Duration.ofSeconds(90);

    private VmLeftovers() {}

    /** The bundle (= shim cwd) containerd made for task {@code id} in namespace {@code default}. */
    static Path bundle(PrivateContainerd containerd, String id) {
        return containerd.dir().resolve("state/io.containerd.runtime.v2.task/default").resolve(id);
    }

    static Path socket(PrivateContainerd containerd, String id) {
        return ShimSocketAddress.of(containerd.grpcSocket().toString(), "default", id).socketPath();
    }

    /** Waits (clean-up runs in other processes) until nothing of task {@code id} is left; fails naming what is. */
    static void awaitNoneFor(PrivateContainerd containerd, String id) throws InterruptedException {
        long deadline = System.nanoTime() + GONE.toNanos();
        List<String> left = of(containerd, id);
        while (!left.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("left behind after " + GONE + " for " + id + ": " + left);
            }
            Thread.sleep(100); // no event tells us when another process finished cleaning up
            left = of(containerd, id);
        }
    }

    static List<String> of(PrivateContainerd containerd, String id) {
        List<String> left = new ArrayList<>();
        Path socket = socket(containerd, id);
        Path sandbox = RUN_ROOT.resolve(id);
        for (long pid : processesNaming(sandbox + "/")) {
            left.add("process " + pid + ": " + cmdline(pid));
        }
        for (long pid : processesNaming(socket.toString())) {
            left.add("shim daemon " + pid);
        }
        check(left, socket);
        check(left, GroupLock.lockFileFor(socket));
        check(left, sandbox);
        check(left, bundle(containerd, id));
        left.addAll(mountsContaining(id));
        return left;
    }

    private static void check(List<String> left, Path path) {
        if (Files.exists(path)) {
            left.add(path.toString());
        }
    }

    static List<Long> processesNaming(String text) {
        return ProcessHandle.allProcesses().filter(p -> cmdline(p.pid()).contains(text)).map(ProcessHandle::pid)
                .toList();
    }

    static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException gone) {
            return "";
        }
    }

    static List<String> mountsContaining(String id) {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .filter(l -> l.contains("/capsa/sandboxes/" + id + "/") || l.contains("/default/" + id + "/rootfs"))
                    .map(l -> "mount " + l)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls {@code condition} until true or 90 s passed (then fails with {@code what}). */
    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + GONE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + GONE + ": " + what);
            }
            Thread.sleep(100); // the state lives in other processes; nothing to be notified by
        }
    }
}
