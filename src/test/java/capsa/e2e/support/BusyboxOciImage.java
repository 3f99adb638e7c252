package capsa.e2e.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A busybox OCI image built offline with umoci from the host's busybox-static (dev-machine.md §2) and imported into
 * a private containerd as {@value #REFERENCE}. The build directory is deleted once the image is imported.
 */
public final class BusyboxOciImage {

    public static final String REFERENCE = "docker.io/local/busybox:latest";
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final Path UMOCI = Path.of("/usr/bin/umoci");
    private static final Duration STEP = Duration.ofSeconds(120);

    private BusyboxOciImage() {}

    /** Builds the image and imports it into {@code namespace}; returns its reference. */
    public static String importInto(PrivateContainerd containerd, String namespace) throws Exception {
        HostBinaries.require(UMOCI);
        HostBinaries.require(BUSYBOX);
        try (ScratchDir work = ScratchDir.create()) {
            Path dir = work.path();
            run(dir, "umoci", "init", "--layout", "layout");
            run(dir, "umoci", "new", "--image", "layout:latest");
            run(dir, "umoci", "unpack", "--rootless", "--image", "layout:latest", "bundle");
            Path rootfs = dir.resolve("bundle/rootfs");
            for (String d : List.of("bin", "tmp", "proc", "sys", "dev", "etc")) {
                Files.createDirectories(rootfs.resolve(d));
            }
            Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"));
            for (String applet : List.of("sh", "ls", "cat", "echo", "sleep", "true", "uname", "hostname", "env", "stty", "tty")) {
                Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
            }
            run(dir, "umoci", "repack", "--image", "layout:latest", "bundle");
            run(dir, "umoci", "config", "--image", "layout:latest", "--config.cmd", "/bin/sh",
                    "--config.env", "PATH=/bin");
            run(dir.resolve("layout"), "tar", "cf", "../busybox-oci.tar", ".");
            containerd.ctr(STEP, "-n", namespace, "images", "import", "--base-name", "docker.io/local/busybox",
                    dir.resolve("busybox-oci.tar").toString()).requireSuccess();
        }
        return REFERENCE;
    }

    private static void run(Path cwd, String... command) {
        Commands.run(STEP, List.of(command), cwd, java.util.Map.of()).requireSuccess();
    }
}
