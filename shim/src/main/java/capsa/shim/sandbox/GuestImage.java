package capsa.shim.sandbox;

import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        return new GuestImage(Path.of(kernel), Path.of(initramfs), p.getProperty("kernelRelease", ""));
    }

    /**
     * Where the manifest is: {@code $CAPSA_GUEST_MANIFEST} (only that, when set); else {@code build/guest-agent/}
     * of the source tree the shim jar was built in; else the installed one.
     */
    public static Optional<Path> locate(Map<String, String> env) {
        Optional<Path> explicit = Optional.ofNullable(env.get(MANIFEST_ENV)).filter(s -> !s.isEmpty()).map(Path::of);
        if (explicit.isPresent()) {
            // Named explicitly: that one or none, never a silent fallback to another image.
            return explicit.filter(Files::isReadable);
        }
        List<Path> candidates = new ArrayList<>();
        codeLocation().ifPresent(jar -> {
            for (Path d = jar.getParent(); d != null; d = d.getParent()) {
                candidates.add(d.resolve(BUILD_TREE_MANIFEST));
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
