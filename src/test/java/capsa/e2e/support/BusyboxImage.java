package capsa.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A busybox OCI image built offline (no registry is reachable here) with {@code umoci} from the host's static
 * {@code /bin/busybox}, as two image archives: the busybox image ({@value #REF}, cmd {@code /bin/sh}, every applet
 * linked in /bin) and a pause image for the CRI sandbox ({@value #PAUSE_REF}, entrypoint
 * {@code /bin/busybox sleep 999999999}).
 *
 * <p>Building costs about a second; {@link BusyboxImageExtension} builds it once per test run. Closing deletes the
 * archives.
 */
public final class BusyboxImage implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BusyboxImage.class);

    public static final String REF = "docker.io/local/busybox:latest";
    public static final String PAUSE_REF = "registry.k8s.io/pause:3.6";
    public static final String CRI_NAMESPACE = "k8s.io";

    static final Path BUSYBOX = Path.of("/bin/busybox");
    static final Path UMOCI = Path.of("/usr/bin/umoci");
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(120);

    private final ScratchDir dir;

    private BusyboxImage(ScratchDir dir) {
        this.dir = dir;
    }

    /** Builds both archives in a fresh scratch dir. A missing busybox or umoci fails (never skips) the test. */
    public static BusyboxImage build() {
        for (Path tool : List.of(BUSYBOX, UMOCI)) {
            if (!Files.isExecutable(tool)) {
                throw new IllegalStateException(tool + " is missing: install the 'busybox-static' and 'umoci' "
                        + "packages (scripts/setup.sh does)");
            }
        }
        ScratchDir dir = ScratchDir.create();
        try {
            long started = System.nanoTime();
            Path work = dir.path();
            umoci(work, "init", "--layout", "layout");
            umoci(work, "new", "--image", "layout:latest");
            umoci(work, "unpack", "--rootless", "--image", "layout:latest", "bundle");
            populateRootfs(work.resolve("bundle/rootfs"));
            umoci(work, "repack", "--image", "layout:latest", "bundle");
            umoci(work, "config", "--image", "layout:latest", "--config.cmd", "/bin/sh", "--config.env", "PATH=/bin");
            archive(work, "layout", "busybox.tar");
            // The pause image: the same layer, another config, tagged 3.6 so that --base-name gives PAUSE_REF.
            run(work, List.of("cp", "-a", "layout", "pause"));
            umoci(work, "config", "--image", "pause:latest", "--tag", "3.6", "--clear", "config.cmd",
                    "--config.entrypoint", "/bin/busybox", "--config.entrypoint", "sleep",
                    "--config.entrypoint", "999999999");
            umoci(work, "rm", "--image", "pause:latest");
            archive(work, "pause", "pause.tar");
            for (String scratch : List.of("layout", "pause", "bundle")) {
                ScratchDir.deleteRecursively(work.resolve(scratch));
            }
            log.info("busybox and pause images built in {} ms", (System.nanoTime() - started) / 1_000_000);
            return new BusyboxImage(dir);
        } catch (RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    private static void populateRootfs(Path rootfs) {
        try {
            for (String d : List.of("bin", "tmp", "proc", "sys", "dev", "etc", "root")) {
                Files.createDirectories(rootfs.resolve(d));
            }
            Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"));
            CommandResult applets = Commands.run(STEP_TIMEOUT, List.of(BUSYBOX.toString(), "--list")).requireSuccess();
            for (String applet : applets.stdout().lines().map(String::strip).filter(a -> !a.isEmpty()).toList()) {
                Path link = rootfs.resolve("bin").resolve(applet);
                if (!applet.equals("busybox") && !Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, Path.of("busybox"));
                }
            }
            // CRI resolves users and groups from the image; give it root.
            Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
            Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot populate " + rootfs, e);
        }
    }

    private static void umoci(Path cwd, String... args) {
        List<String> command = new ArrayList<>(List.of(UMOCI.toString()));
        command.addAll(List.of(args));
        run(cwd, command);
    }

    private static void archive(Path cwd, String layout, String tar) {
        run(cwd, List.of("tar", "-C", layout, "-cf", tar, "."));
    }

    private static void run(Path cwd, List<String> command) {
        Commands.run(STEP_TIMEOUT, command, cwd, Map.of()).requireSuccess();
    }

    /** The busybox image archive (OCI layout, ref name {@code latest}). */
    public Path busyboxArchive() {
        return dir.resolve("busybox.tar");
    }

    /** The pause image archive (OCI layout, ref name {@code 3.6}). */
    public Path pauseArchive() {
        return dir.resolve("pause.tar");
    }

    /** Imports the busybox image into {@code namespace} as {@value #REF}. */
    /** Builds the image, imports it into {@code namespace} and removes the build dir; returns {@link #REF}. */
    public static String buildAndImport(PrivateContainerd containerd, String namespace) {
        try (BusyboxImage image = build()) {
            image.importInto(containerd, namespace);
        }
        return REF;
    }

    public void importInto(PrivateContainerd containerd, String namespace) {
        containerd.ctr(STEP_TIMEOUT, "-n", namespace, "images", "import", "--base-name", "docker.io/local/busybox",
                busyboxArchive().toString()).requireSuccess();
    }

    /** Imports the pause image into the CRI namespace {@code k8s.io} as {@value #PAUSE_REF}. */
    public void importPauseForCri(PrivateContainerd containerd) {
        containerd.ctr(STEP_TIMEOUT, "-n", CRI_NAMESPACE, "images", "import", "--base-name", "registry.k8s.io/pause",
                pauseArchive().toString()).requireSuccess();
    }

    @Override
    public void close() {
        dir.close();
    }
}
