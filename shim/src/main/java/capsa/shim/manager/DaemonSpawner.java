package capsa.shim.manager;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Spawns the long-lived daemon detached from {@code start}, and waits until its socket accepts.
 *
 * <p>Detached means: a new session and process group ({@code /usr/bin/setsid}; the JDK cannot call setsid(2) in
 * the child), stdin and stdout on /dev/null, and stderr into {@code <bundle>/capsa-shim.stderr} — never the pipe
 * containerd reads {@code start}'s output from, which containerd would otherwise wait on until the daemon exits.
 * The JDK closes every other inherited descriptor in the child. The daemon's own log goes to the bundle's
 * {@code log} FIFO; the stderr file only catches what the JVM prints before logging is up (or when it dies).
 *
 * <p>The JDK cannot hand a listening socket to a child, so the daemon binds its socket itself and we poll
 * {@code connect} until it accepts; there is no readiness event to wait on instead. A daemon that dies first is
 * reported with the tail of its stderr.
 */
public final class DaemonSpawner {

    /** The file in the bundle that receives the daemon's stderr. */
    public static final String STDERR_FILE = "capsa-shim.stderr";

    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final long POLL_MILLIS = 10;

    private final List<String> shimCommand;
    private final Duration readyTimeout;

    /**
     * @param shimCommand how to run this shim binary (normally its launcher), to which the {@code serve} arguments
     *     are appended
     * @param readyTimeout how long the daemon may take to accept connections
     */
    public DaemonSpawner(List<String> shimCommand, Duration readyTimeout) {
        this.shimCommand = List.copyOf(shimCommand);
        this.readyTimeout = Objects.requireNonNull(readyTimeout, "readyTimeout");
    }

    /**
     * Starts the daemon and returns its pid once its socket accepts.
     *
     * @throws ShimCommandException if it cannot be started, dies, or does not accept in time (then it is killed)
     */
    public long spawn(DaemonSpec spec) throws InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(SETSID.toString());
        command.addAll(shimCommand);
        command.addAll(spec.toArgs());
        Path stderr = spec.bundle().resolve(STDERR_FILE);
        Process daemon;
        try {
            daemon = new ProcessBuilder(command)
                    .directory(spec.bundle().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.to(stderr.toFile()))
                    .start();
        } catch (IOException e) {
            throw new ShimCommandException("cannot start the shim daemon", e);
        }
        long deadline = System.nanoTime() + readyTimeout.toNanos();
        while (true) {
            if (SocketProbe.probe(spec.socket()) == SocketProbe.State.ACCEPTING) {
                return daemon.pid();
            }
            if (!daemon.isAlive()) {
                throw new ShimCommandException("shim daemon exited with status " + daemon.exitValue()
                        + " before listening on " + spec.socket() + tail(stderr));
            }
            if (System.nanoTime() > deadline) {
                daemon.destroyForcibly();
                throw new ShimCommandException("shim daemon did not listen on " + spec.socket() + " within "
                        + readyTimeout.toMillis() + " ms" + tail(stderr));
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private static String tail(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                return "";
            }
            String[] lines = text.split("\n");
            int from = Math.max(0, lines.length - 5);
            return "; its stderr ends with: " + String.join(" | ", java.util.Arrays.copyOfRange(lines, from, lines.length));
        } catch (IOException e) {
            return "";
        }
    }
}
