package capsa.shim.manager;

import capsa.proto.containerd.runtime.bootstrap.v1.BootstrapResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Objects;

/**
 * {@code start}: find the shim for this task's group or spawn one, and tell containerd where it listens.
 *
 * <ol>
 *   <li>Decode stdin ({@link StartStdin}) and decide the group from {@code ./config.json} ({@link GroupResolver}).
 *   <li>Under the group's lock: a socket that accepts means the pod's shim is running — reuse it; a socket that
 *       refuses is stale — remove it and sweep what its dead daemon left ({@link SandboxSweeper}); otherwise
 *       spawn the daemon ({@link DaemonSpawner}) and wait until it
 *       accepts.
 *   <li>Write {@code <bundle>/address} (exactly the address, no newline: containerd 1.6/1.7 read it untrimmed on
 *       reconnect) and return what to print: the plain address, or a {@code BootstrapResult} protobuf when stdin
 *       proved that containerd is 2.3+.
 * </ol>
 */
public final class StartCommand {

    /** Version 2: containerd calls {@code containerd.task.v2.Task} (served too as v3, but 2.x would then skip start). */
    static final int BOOTSTRAP_VERSION = 2;
    static final String PROTOCOL = "ttrpc";
    private static final java.time.Duration SWEEP_KILL_WAIT = java.time.Duration.ofSeconds(5);

    private final Path defaultSocketDir;
    private final DaemonSpawner spawner;
    private final Map<String, String> env;
    private final SandboxSweeper sweeper;

    /**
     * @param defaultSocketDir where sockets go unless containerd 2.3+ names a directory
     * @param spawner starts the daemon
     * @param env this process's environment ({@code TTRPC_ADDRESS}, {@value RunRoot#ENV})
     */
    public StartCommand(Path defaultSocketDir, DaemonSpawner spawner, Map<String, String> env) {
        this.defaultSocketDir = Objects.requireNonNull(defaultSocketDir, "defaultSocketDir");
        this.spawner = Objects.requireNonNull(spawner, "spawner");
        this.env = Map.copyOf(env);
        this.sweeper = new SandboxSweeper(RunRoot.of(env), SWEEP_KILL_WAIT);
    }

    /** Runs {@code start} for a task whose bundle is {@code bundle}; returns the bytes to print on stdout. */
    public byte[] run(ShimFlags flags, byte[] stdin, Path bundle) throws InterruptedException {
        String id = flags.requireId();
        String namespace = flags.requireNamespace();
        StartStdin input = StartStdin.decode(stdin, id, namespace);
        String group = GroupResolver.groupId(bundle.resolve("config.json"), id);
        Path socketDir = input instanceof StartStdin.Bootstrap b
                ? b.socketDir().map(Path::of).orElse(defaultSocketDir)
                : defaultSocketDir;
        ShimSocketAddress address;
        try {
            address = ShimSocketAddress.of(socketDir, flags.address(), namespace, group);
        } catch (IllegalArgumentException tooLong) {
            throw new ShimCommandException("cannot compute the shim socket address", tooLong);
        }
        try {
            createSocketDir(socketDir);
            try (GroupLock lock = GroupLock.acquire(address.socketPath())) {
                switch (SocketProbe.probe(address.socketPath())) {
                    case ACCEPTING -> { } // the pod's shim already runs: join it
                    case STALE, ABSENT -> {
                        Files.deleteIfExists(address.socketPath());
                        // A daemon of this group died and nobody ran delete (containerd was down, or lost the
                        // bundle): its QEMU and mounts must not outlive it into the new daemon's sandbox.
                        sweeper.sweep(group, address.socketPath());
                        spawner.spawn(daemonSpec(flags, input, group, address, bundle));
                    }
                }
            }
            Files.write(bundle.resolve("address"), address.uri().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ShimCommandException("cannot start shim for " + namespace + "/" + id, e);
        }
        return reply(input, address);
    }

    private DaemonSpec daemonSpec(ShimFlags flags, StartStdin input, String group, ShimSocketAddress address,
            Path bundle) {
        return new DaemonSpec(flags.namespace(), group, flags.address(), ttrpcAddress(flags, input),
                address.socketPath(), bundle, flags.debug(), input.runtimeOptions());
    }

    private String ttrpcAddress(ShimFlags flags, StartStdin input) {
        if (input instanceof StartStdin.Bootstrap b && !b.params().getContainerdTtrpcAddress().isEmpty()) {
            return b.params().getContainerdTtrpcAddress();
        }
        String fromEnv = env.get("TTRPC_ADDRESS");
        return fromEnv != null && !fromEnv.isEmpty() ? fromEnv : flags.address() + ".ttrpc";
    }

    static byte[] reply(StartStdin input, ShimSocketAddress address) {
        if (input instanceof StartStdin.Bootstrap) {
            // Fields 1, 2, 3 in order: containerd 2.3.0 trims whitespace before decoding, so the blob must neither
            // start nor end with a whitespace byte — it starts with 0x08 and ends with "ttrpc".
            return BootstrapResult.newBuilder()
                    .setVersion(BOOTSTRAP_VERSION)
                    .setAddress(address.uri())
                    .setProtocol(PROTOCOL)
                    .build()
                    .toByteArray();
        }
        return address.uri().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code /run/containerd} style parents 0711, the socket directory itself 0700 (as containerd 2.x does). */
    static void createSocketDir(Path socketDir) throws IOException {
        if (Files.isDirectory(socketDir)) {
            return;
        }
        Path parent = socketDir.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            Files.createDirectories(parent);
            Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwx--x--x"));
        }
        try {
            Files.createDirectory(socketDir);
            Files.setPosixFilePermissions(socketDir, PosixFilePermissions.fromString("rwx------"));
        } catch (FileAlreadyExistsException raced) {
            // another start created it first
        }
    }
}
