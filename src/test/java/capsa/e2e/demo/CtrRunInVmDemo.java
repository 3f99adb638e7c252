package capsa.e2e.demo;

import capsa.e2e.support.BusyboxImage;
import capsa.e2e.support.CapsaShimBinary;
import capsa.e2e.support.CommandResult;
import capsa.e2e.support.Commands;
import capsa.e2e.support.ContainerdConfig;
import capsa.e2e.support.PrivateContainerd;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The main job: a busybox container in its own VM through {@code ctr}. Starts a private containerd with our
 * {@code containerd-shim-capsa-v2} on its PATH and the guest image with the agent, imports a busybox image built
 * offline, runs {@code ctr run --rm --runtime io.containerd.capsa.v2} twice (a greeting, then {@code uname -r}), and
 * shows that the kernel release comes from the guest, not the host. Exits non-zero if any step fails.
 *
 * <p>Argument: the guest manifest (default {@code build/guest-agent/manifest.properties}).
 */
public final class CtrRunInVmDemo {

    private static final Duration CTR = Duration.ofMinutes(5);

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Path manifest = Path.of(args.length > 0 ? args[0] : "build/guest-agent/manifest.properties").toAbsolutePath();
        if (!Files.isReadable(manifest)) {
            System.err.println("demo failed: no guest image at " + manifest + " (guest/build-agent-image.sh)");
            System.exit(1);
        }
        try (CapsaShimBinary shim = CapsaShimBinary.install()) {
            Map<String, String> env = new HashMap<>(shim.containerdEnv());
            env.put("CAPSA_GUEST_MANIFEST", manifest.toString());
            try (PrivateContainerd containerd = PrivateContainerd.start(ContainerdConfig.plain().withEnv(env))) {
                String image = BusyboxImage.buildAndImport(containerd, "default");
                out.println("containerd " + containerd.grpcSocket() + ", image " + image);

                long t0 = System.nanoTime();
                CommandResult hello = run(containerd, image, "demo-hello", "sh", "-c",
                        "echo hello from a container in a capsa VM; grep -m1 'model name' /proc/cpuinfo");
                out.printf("%n$ ctr run --rm --runtime %s %s demo-hello sh -c '...'  (%.1f s)%n%s",
                        CapsaShimBinary.RUNTIME, image, (System.nanoTime() - t0) / 1e9, hello.stdout());

                t0 = System.nanoTime();
                CommandResult uname = run(containerd, image, "demo-uname", "uname", "-r");
                String guest = uname.stdout().trim();
                String host = Commands.run(Duration.ofSeconds(10), List.of("uname", "-r")).stdout().trim();
                out.printf("%n$ ctr run --rm --runtime %s %s demo-uname uname -r  (%.1f s)%n%s%n",
                        CapsaShimBinary.RUNTIME, image, (System.nanoTime() - t0) / 1e9, guest);
                out.println("guest kernel release: " + guest);
                out.println("host kernel release:  " + host);
                if (guest.isEmpty() || guest.equals(host)) {
                    throw new AssertionError("the container did not run in the guest kernel");
                }
                out.println("\nOK: the container ran in its own VM.");
            }
        } catch (Exception | AssertionError e) {
            System.err.println("demo failed: " + e);
            System.exit(1);
        }
    }

    private static CommandResult run(PrivateContainerd containerd, String image, String id, String... cmd) {
        List<String> args = new java.util.ArrayList<>(List.of("run", "--rm", "--runtime", CapsaShimBinary.RUNTIME,
                image, id));
        args.addAll(List.of(cmd));
        return containerd.ctr(CTR, args.toArray(String[]::new)).requireSuccess();
    }
}
