package capsa.admin;

import capsa.config.EffectiveConfig;
import capsa.shim.sandbox.GuestImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The guest image the shim would boot: its manifest is found the shim's way ({@link GuestImage#locate}), and the
 * kernel and initramfs it names must exist and match the manifest's {@code kernelSha256} / {@code initramfsSha256}.
 */
final class GuestImageCheck {

    private GuestImageCheck() {}

    static CheckResult run(EffectiveConfig config) {
        String name = "guest image";
        Optional<Path> configured = config.hypervisor().guestManifest();
        Optional<Path> manifest = GuestImage.locate(configured);
        if (manifest.isEmpty()) {
            return CheckResult.fail(name, configured.map(p -> "guest_manifest " + p + " is not readable")
                    .orElse("no guest manifest found (set guest_manifest or CAPSA_GUEST_MANIFEST)"));
        }
        try {
            GuestImage image = GuestImage.load(manifest.get());
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(manifest.get())) {
                p.load(r);
            }
            List<String> problems = new ArrayList<>();
            verify("kernel", image.kernel(), p.getProperty("kernelSha256"), problems);
            verify("initramfs", image.initramfs(), p.getProperty("initramfsSha256"), problems);
            if (!problems.isEmpty()) {
                return CheckResult.fail(name, manifest.get() + ": " + String.join("; ", problems));
            }
            return CheckResult.pass(name, manifest.get() + " (kernel " + image.kernelRelease()
                    + ", checksums match)");
        } catch (IOException e) {
            return CheckResult.fail(name, "cannot read " + manifest.get() + ": " + e.getMessage());
        }
    }

    private static void verify(String what, Path file, String expected, List<String> problems) throws IOException {
        if (!Files.isReadable(file)) {
            problems.add(what + " " + file + " is missing");
        } else if (expected == null || expected.isBlank()) {
            problems.add("the manifest has no " + what + "Sha256");
        } else if (!sha256(file).equalsIgnoreCase(expected.trim())) {
            problems.add(what + " " + file + " does not match its checksum");
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
