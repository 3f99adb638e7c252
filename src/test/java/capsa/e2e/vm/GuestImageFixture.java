package capsa.e2e.vm;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;

/**
 * The guest image with the agent ({@code build/guest-agent}, built by the guest build with the agent overlay); the
 * tests need it and say so instead of failing obscurely when it was not built.
 */
record GuestImageFixture(Path manifest, String kernelRelease) {

    static GuestImageFixture require() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("shim/bin"))) {
            dir = dir.getParent();
        }
        Path manifest = Path.of(System.getProperty("capsa.guest.manifest",
                dir == null ? "build/guest-agent/manifest.properties"
                        : dir.resolve("build/guest-agent/manifest.properties").toString()));
        Assumptions.assumeTrue(Files.isReadable(manifest), "no guest image with the agent at " + manifest);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(manifest)) {
            p.load(r);
        }
        return new GuestImageFixture(manifest, p.getProperty("kernelRelease"));
    }
}
