package capsa.shim.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs {@code bin/containerd-shim-capsa-v2} the way containerd does: cwd = bundle, given stdin, and stdout plus
 * stderr either as one pipe ({@code start}: Go's CombinedOutput) or two ({@code delete}). The result is only
 * returned once every pipe reached EOF, so a daemon that kept a pipe open would show up as a timeout.
 *
 * <p>Tests run before {@code mvn package}, so the launcher gets this JVM's class path through
 * {@code CAPSA_SHIM_CLASSPATH}. Every run also sets {@code JAVA_TOOL_OPTIONS} and {@code _JAVA_OPTIONS}, which would
 * make a careless JVM print "Picked up ..." — so every test also checks output hygiene.
 */
public final class ShimLauncher {

    public static final Path LAUNCHER = Path.of("bin", "containerd-shim-capsa-v2").toAbsolutePath();
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private ShimLauncher() {}

    /** Environment for the launcher: test class path and the JVM option variables a containerd host may have. */
    public static Map<String, String> env() {
        return Map.of(
                "CAPSA_SHIM_CLASSPATH", System.getProperty("java.class.path"),
                "JAVA_TOOL_OPTIONS", "-Dcapsa.test.polluted=1",
                "_JAVA_OPTIONS", "-Dcapsa.test.polluted=2",
                "JDK_JAVA_OPTIONS", "-Dcapsa.test.polluted=3",
                "TTRPC_ADDRESS", "/nonexistent/containerd.sock.ttrpc");
    }

    /** {@code start}-style: stdout and stderr on one pipe, returned in {@link ShimRun#stdout()}. */
    public static ShimRun combined(Path cwd, byte[] stdin, List<String> args) {
        return run(cwd, stdin, args, true);
    }

    /** {@code delete}-style: separate pipes. */
    public static ShimRun separate(Path cwd, byte[] stdin, List<String> args) {
        return run(cwd, stdin, args, false);
    }

    private static ShimRun run(Path cwd, byte[] stdin, List<String> args, boolean combined) {
        if (!Files.isExecutable(LAUNCHER)) {
            throw new IllegalStateException(LAUNCHER + " is not executable");
        }
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(combined);
        pb.environment().putAll(env());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = combined ? CompletableFuture.completedFuture(new byte[0])
                : drain(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin);
        } catch (IOException e) {
            // the shim may exit without reading stdin (e.g. a usage error); its exit status tells
        }
        try {
            byte[] o = out.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            byte[] e = err.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(command + " did not exit within " + TIMEOUT);
            }
            return new ShimRun(command, p.exitValue(), o, e);
        } catch (TimeoutException e) {
            p.destroyForcibly();
            throw new IllegalStateException(command + ": output pipe not closed within " + TIMEOUT
                    + " (is a daemon holding it?)", e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream stream) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (stream) {
                result.complete(stream.readAllBytes());
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        }, "shim-pipe-drain");
        t.setDaemon(true);
        t.start();
        return result;
    }
}
