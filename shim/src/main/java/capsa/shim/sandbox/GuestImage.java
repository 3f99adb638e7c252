package capsa.shim.sandbox;

import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The kernel and initramfs a sandbox boots, from the {@code manifest.properties} the guest build writes (keys
 * {@code kernel}, {@code initramfs}, {@code kernelRelease}; see guest/README.md).
 */
public record GuestImage(Path kernel, Path initramfs, String kernelRelease) {

    /** Overrides the manifest location (containerd passes its environment to shims). */
    public static final String MANIFEST_ENV = "CAPSA_GUEST_MANIFEST";
    static final String BUILD_TREE_MANIFEST = "build/guest-agent/manifest.properties";
    /** Below the installation prefix ({@code <prefix>/lib/capsa-shim/capsa-shim.jar}). */
    static final String INSTALLED_TREE_MANIFEST = "share/guest/manifest.properties";
    static final Path INSTALLED_MANIFEST = Path.of("/usr/share/capsa/guest/manifest.properties");

    public static GuestImage load(Path manifest) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(manifest)) {
            p.load(r);
        }
        String kernel = p.getProperty("kernel");
        String initramfs = p.getProperty("initramfs");
        if (kernel == null || initramfs == null) {
            throw new IOException(manifest + " names no kernel or initramfs");
        }
        // A release tarball's manifest names its files relative to itself (the prefix is chosen at install time).
        Path base = manifest.toAbsolutePath().getParent();
        return new GuestImage(base.resolve(kernel), base.resolve(initramfs), p.getProperty("kernelRelease", ""));
    }

    /**
     * Where the manifest is: {@code configured} (the configuration's {@code guest_manifest}, which
     * {@code $CAPSA_GUEST_MANIFEST} sets) only, when given; else {@code build/guest-agent/} of the source tree the
     * shim jar was built in; else {@code share/guest/} of the installation the jar is part of; else
     * {@code /usr/share/capsa/guest/}.
     */
    public static Optional<Path> locate(Optional<Path> configured) {
        if (configured.isPresent()) {
            // Named explicitly: that one or none, never a silent fallback to another image.
            return configured.filter(Files::isReadable);
        }
        List<Path> candidates = new ArrayList<>();
        codeLocation().ifPresent(jar -> {
            for (Path d = jar.getParent(); d != null; d = d.getParent()) {
                candidates.add(d.resolve(BUILD_TREE_MANIFEST));
                candidates.add(d.resolve(INSTALLED_TREE_MANIFEST));
            }
        });
        candidates.add(INSTALLED_MANIFEST);
        return candidates.stream().filter(Files::isReadable).findFirst();
    }

    private static Optional<Path> codeLocation() {
        try {
            return Optional.of(Path.of(GuestImage.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
