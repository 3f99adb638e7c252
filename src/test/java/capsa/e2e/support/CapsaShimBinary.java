package capsa.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Our shim as containerd finds it: a directory with {@code containerd-shim-capsa-v2} (a symlink to
 * {@code shim/bin/containerd-shim-capsa-v2}), to put first on containerd's PATH. Uses the packaged
 * {@code shim/target/capsa-shim.jar} when {@code mvn package} ran (the real layout), else this JVM's class path.
 */
public final class CapsaShimBinary implements AutoCloseable {

    public static final String BINARY = "containerd-shim-capsa-v2";
    public static final String RUNTIME = "io.containerd.capsa.v2";

    private final ScratchDir binDir;
    private final Path launcher;

    private CapsaShimBinary(ScratchDir binDir, Path launcher) {
        this.binDir = binDir;
        this.launcher = launcher;
    }

    public static CapsaShimBinary install() {
        Path launcher = repoRoot().resolve("shim/bin").resolve(BINARY);
        if (!Files.isExecutable(launcher)) {
            throw new IllegalStateException(launcher + " is missing or not executable");
        }
        ScratchDir bin = ScratchDir.create();
        try {
            Files.createSymbolicLink(bin.resolve(BINARY), launcher);
        } catch (IOException e) {
            bin.close();
            throw new UncheckedIOException(e);
        }
        return new CapsaShimBinary(bin, launcher);
    }

    /** The repository root: the e2e module lives in src/test. */
    private static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("shim/bin"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    public boolean packaged() {
        return Files.isRegularFile(launcher.getParent().resolve("../target/capsa-shim.jar").normalize());
    }

    /** Environment for containerd: our bin dir first on PATH (and the class path when not packaged). */
    public Map<String, String> containerdEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", binDir.path() + ":" + System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"));
        if (!packaged()) {
            env.put("CAPSA_SHIM_CLASSPATH", System.getProperty("java.class.path"));
        }
        return env;
    }

    public Path binDir() {
        return binDir.path();
    }

    @Override
    public void close() {
        binDir.close();
    }
}
