package capsa.e2e.support;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Go binaries the interop tests run. A missing binary is a failure, never a skip: the README test command installs
 * them, so their absence means the machine was not set up.
 */
public final class HostBinaries {

    public static final Path CONTAINERD = Path.of("/usr/bin/containerd");
    public static final Path CTR = Path.of("/usr/bin/ctr");
    public static final Path RUNC_SHIM = Path.of("/usr/bin/containerd-shim-runc-v2");
    public static final Path RUNC = Path.of("/usr/sbin/runc");

    private HostBinaries() {}

    public static Path require(Path binary) {
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " is missing: install the 'containerd' and 'runc' packages "
                    + "(scripts/setup.sh does)");
        }
        return binary;
    }
}
