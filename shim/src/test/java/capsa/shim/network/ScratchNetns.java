package capsa.shim.network;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Named network namespaces for a test ({@code ip netns add}), deleted again by {@link #close}. Root only; the host
 * namespace is never changed (veth pairs are created with both ends inside scratch namespaces).
 */
final class ScratchNetns implements AutoCloseable {

    private final ProcessCommandRunner sh = new ProcessCommandRunner(java.time.Duration.ofSeconds(20));
    private final List<String> names = new ArrayList<>();

    static boolean usable() {
        return "root".equals(System.getProperty("user.name")) && java.nio.file.Files.isExecutable(Path.of(
                "/usr/sbin/tc"));
    }

    /** A new namespace with loopback up; returns its /var/run/netns path. */
    Path create(String prefix) {
        String name = prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        run("ip", "netns", "add", name);
        names.add(name);
        run("ip", "-n", name, "link", "set", "lo", "up");
        return Path.of("/var/run/netns", name);
    }

    /** A veth pair: {@code a} in namespace {@code nsA} with {@code addrA}, {@code b} in {@code nsB}, both up. */
    void veth(Path nsA, String a, String addrA, Path nsB, String b, String addrB, int mtu) {
        String tmp = "cv" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        run("ip", "-n", name(nsA), "link", "add", a, "mtu", Integer.toString(mtu), "type", "veth", "peer", "name",
                tmp, "netns", name(nsB));
        run("ip", "-n", name(nsB), "link", "set", tmp, "name", b);
        run("ip", "-n", name(nsA), "addr", "add", addrA, "dev", a);
        run("ip", "-n", name(nsB), "addr", "add", addrB, "dev", b);
        run("ip", "-n", name(nsA), "link", "set", a, "up");
        run("ip", "-n", name(nsB), "link", "set", b, "up");
    }

    String run(String... argv) {
        return sh.run(List.of(argv));
    }

    String in(Path ns, String... argv) {
        List<String> a = new ArrayList<>(List.of("nsenter", "--net=" + ns));
        a.addAll(List.of(argv));
        return sh.run(a);
    }

    static String name(Path ns) {
        return ns.getFileName().toString();
    }

    @Override
    public void close() {
        for (String n : names) {
            try {
                run("ip", "netns", "del", n);
            } catch (RuntimeException e) {
                // already gone
            }
        }
    }
}
