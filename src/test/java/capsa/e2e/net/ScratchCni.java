package capsa.e2e.net;

import capsa.e2e.support.CommandResult;
import capsa.e2e.support.Commands;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A CNI bridge network in private namespaces: a scratch "host" namespace holds the bridge (made by the bridge
 * plugin run inside it), each pod gets its own namespace with {@code eth0} from CNI ADD. IPAM state lives in a temp
 * dir. {@link #close} runs CNI DEL and deletes every namespace and the temp dir.
 */
final class ScratchCni implements AutoCloseable {

    private static final Duration CMD = Duration.ofSeconds(60);
    private static final Path CNI_BIN = Path.of("/usr/lib/cni");

    private final String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
    private final Path work;
    private final String bridge;
    private final String subnet;
    private final Path hostNs;
    private final List<Path> namespaces = new ArrayList<>();
    private final List<Path> pods = new ArrayList<>();
    private final ObjectMapper mapper = new ObjectMapper();

    /** @param subnet IPv4 /24 for the bridge, e.g. {@code 10.215.0.0/24} */
    ScratchCni(String subnet) throws IOException {
        this.work = Files.createTempDirectory("capsa-cni");
        this.bridge = "capsabr" + tag.substring(0, 4);
        this.subnet = subnet;
        this.hostNs = netns("capsa-nethost-" + tag);
    }

    static boolean available() {
        return Files.isExecutable(CNI_BIN.resolve("bridge")) && Files.isExecutable(CNI_BIN.resolve("host-local"))
                && "root".equals(System.getProperty("user.name"));
    }

    Path hostNs() {
        return hostNs;
    }

    String bridge() {
        return bridge;
    }

    private Path netns(String name) {
        sh("ip", "netns", "add", name);
        Path p = Path.of("/var/run/netns", name);
        namespaces.add(p);
        sh("ip", "-n", name, "link", "set", "lo", "up");
        return p;
    }

    /** A pod namespace with eth0 from CNI; returns the namespace and the pod's address and gateway. */
    Pod addPod(String name) throws IOException {
        Path ns = netns("capsa-pod-" + name + "-" + tag);
        JsonNode result = mapper.readTree(cni("ADD", name, ns));
        pods.add(ns);
        JsonNode ip = result.path("ips").path(0);
        String cidr = ip.path("address").asText();
        return new Pod(ns, cidr.substring(0, cidr.indexOf('/')), cidr, ip.path("gateway").asText());
    }

    record Pod(Path netns, String ip, String cidr, String gateway) {}

    /** A second NIC: a veth from the pod ({@code ifname}, {@code podCidr}) to the host namespace ({@code hostCidr}). */
    void addVeth(Path pod, String ifname, String podCidr, String hostCidr) {
        String hostEnd = "hv" + ifname + tag.substring(0, 4);
        sh("ip", "-n", name(hostNs), "link", "add", hostEnd, "type", "veth", "peer", "name", ifname, "netns",
                name(pod));
        sh("ip", "-n", name(hostNs), "addr", "add", hostCidr, "dev", hostEnd);
        sh("ip", "-n", name(hostNs), "link", "set", hostEnd, "up");
        sh("ip", "-n", name(pod), "addr", "add", podCidr, "dev", ifname);
        sh("ip", "-n", name(pod), "link", "set", ifname, "up");
    }

    /** Runs {@code argv} inside {@code ns}. */
    CommandResult in(Path ns, String... argv) {
        List<String> a = new ArrayList<>(List.of("nsenter", "--net=" + ns));
        a.addAll(List.of(argv));
        return Commands.run(CMD, a);
    }

    private String cni(String command, String id, Path ns) throws IOException {
        Path conf = work.resolve("net-" + id + ".json");
        Files.writeString(conf, """
                {"cniVersion": "1.0.0", "name": "capsa-e2e-%1$s", "type": "bridge", "bridge": "%2$s",
                 "isGateway": true, "ipMasq": false,
                 "ipam": {"type": "host-local", "ranges": [[{"subnet": "%3$s"}]], "routes": [{"dst": "0.0.0.0/0"}],
                          "dataDir": "%4$s"}}
                """.formatted(tag, bridge, subnet, work.resolve("ipam")));
        CommandResult r = Commands.run(CMD, List.of("sh", "-c", "exec nsenter --net=" + hostNs + " " + CNI_BIN
                        .resolve("bridge") + " < " + conf), null,
                Map.of("CNI_COMMAND", command, "CNI_CONTAINERID", id + tag, "CNI_NETNS", ns.toString(),
                        "CNI_IFNAME", "eth0", "CNI_PATH", CNI_BIN.toString()));
        if (!r.succeeded()) {
            throw new IllegalStateException("CNI " + command + " for " + id + " failed: " + r.describe());
        }
        return r.stdout();
    }

    private static String name(Path ns) {
        return ns.getFileName().toString();
    }

    private static String sh(String... argv) {
        return Commands.run(CMD, List.of(argv)).requireSuccess().stdout();
    }

    @Override
    public void close() throws IOException {
        for (Path p : pods) {
            try {
                cni("DEL", p.getFileName().toString().replaceAll("^capsa-pod-(.*)-" + tag + "$", "$1"), p);
            } catch (RuntimeException e) {
                // the namespace goes anyway
            }
        }
        for (Path ns : namespaces) {
            Commands.run(CMD, List.of("ip", "netns", "del", name(ns)));
        }
        try (var files = Files.walk(work)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
