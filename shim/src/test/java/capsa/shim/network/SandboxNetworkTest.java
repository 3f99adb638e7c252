package capsa.shim.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tcfilter set-up against real iproute2 in scratch namespaces (no VM): what it creates, what it tells the
 * guest, and that teardown and every failure leave the namespace exactly as CNI left it.
 */
class SandboxNetworkTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final ProcessCommandRunner runner = new ProcessCommandRunner(Duration.ofSeconds(20));
    private ScratchNetns scratch;
    private Path pod;
    private Path peer;

    @BeforeEach
    void namespaces() {
        assumeTrue(ScratchNetns.usable(), "needs root and iproute2");
        scratch = new ScratchNetns();
        pod = scratch.create("capsa-pod");
        peer = scratch.create("capsa-peer");
        scratch.veth(pod, "eth0", "10.213.7.5/24", peer, "gw0", "10.213.7.1/24", 1400);
        scratch.in(pod, "ip", "route", "add", "default", "via", "10.213.7.1", "dev", "eth0");
        scratch.in(pod, "ip", "neigh", "add", "10.213.7.9", "lladdr", "02:00:00:00:00:09", "dev", "eth0", "nud",
                "permanent");
    }

    @AfterEach
    void cleanUp() {
        if (scratch != null) {
            scratch.close();
        }
    }

    private NetnsTools tools(CommandRunner r) {
        return new NetnsTools(r, pod, mapper);
    }

    @Test
    void mirrorsEachInterfaceToATapAndTearsItAllDown() {
        String before = links(pod);
        // (not /sys/class/net: nsenter --net keeps the host's sysfs mount)
        String mac = scratch.in(pod, "ip", "-o", "link", "show", "eth0").replaceAll("(?s).*link/ether (\\S+).*", "$1")
                .strip();
        try (SandboxNetwork net = SandboxNetwork.attach(tools(runner), new NetnsScanner(),
                InternetworkingModel.TCFILTER)) {
            assertThat(net.taps()).containsExactly("tap0_capsa");
            assertThat(net.vmmNamespace()).contains(pod);
            assertThat(net.nics()).singleElement().satisfies(n -> {
                assertThat(n.tapName()).isEqualTo("tap0_capsa");
                assertThat(n.mac()).isEqualTo(mac);
            });
            assertThat(scratch.in(pod, "ip", "-o", "link", "show", "tap0_capsa")).contains("mtu 1400", "UP");
            assertThat(scratch.in(pod, "tc", "qdisc", "show", "dev", "eth0")).contains("ingress");
            assertThat(scratch.in(pod, "tc", "filter", "show", "dev", "eth0", "ingress"))
                    .contains("mirred", "Redirect to device tap0_capsa");
            assertThat(scratch.in(pod, "tc", "filter", "show", "dev", "tap0_capsa", "ingress"))
                    .contains("Redirect to device eth0");

            PodNetwork g = net.guestNetwork();
            assertThat(g.interfaces()).singleElement().satisfies(i -> {
                assertThat(i.name()).isEqualTo("eth0");
                assertThat(i.kind()).isEqualTo("veth");
                assertThat(i.mtu()).isEqualTo(1400);
                assertThat(i.addresses()).containsExactly(new PodInterface.IpAddress(false, "10.213.7.5", 24));
            });
            assertThat(g.routes()).containsExactly(new PodRoute("", "10.213.7.1", "eth0", "", 0, false, 0));
            assertThat(g.neighbors()).containsExactly(new PodNeighbor("10.213.7.9", false, "eth0",
                    "02:00:00:00:00:09", NetnsScanner.NUD_PERMANENT));
            assertThat(AgentNetworkMessages.interfaces(g)).singleElement().satisfies(i -> {
                assertThat(i.getType()).isEqualTo("virtual");
                assertThat(i.getIPAddresses(0).getMask()).isEqualTo("24");
                assertThat(i.getHwAddr()).isEqualTo(mac);
            });
        }
        assertThat(links(pod)).isEqualTo(before);
        assertThat(scratch.in(pod, "tc", "qdisc", "show", "dev", "eth0")).doesNotContain("ingress");
    }

    @Test
    void twoInterfacesGetTwoTaps() {
        Path peer2 = scratch.create("capsa-peer2");
        scratch.veth(pod, "net1", "10.213.8.5/24", peer2, "gw1", "10.213.8.1/24", 1500);
        try (SandboxNetwork net = SandboxNetwork.attach(tools(runner), new NetnsScanner(),
                InternetworkingModel.TCFILTER)) {
            assertThat(net.taps()).containsExactly("tap0_capsa", "tap1_capsa");
            assertThat(net.guestNetwork().interfaces()).extracting(PodInterface::name)
                    .containsExactlyInAnyOrder("eth0", "net1");
            assertThat(net.nics()).extracting(n -> n.id()).containsExactly("nic0", "nic1");
        }
        assertThat(links(pod)).doesNotContain("_capsa");
    }

    @Test
    void modelNoneCreatesNothing() {
        String before = links(pod);
        try (SandboxNetwork net = SandboxNetwork.attach(tools(runner), new NetnsScanner(),
                InternetworkingModel.NONE)) {
            assertThat(net.nics()).isEmpty();
            assertThat(net.vmmNamespace()).isEmpty();
            assertThat(links(pod)).isEqualTo(before);
        }
    }

    @Test
    void aMissingNamespaceIsAClearError() {
        assertThatThrownBy(() -> new NetnsTools(runner, Path.of("/var/run/netns/capsa-no-such-ns"), mapper))
                .isInstanceOf(NetworkException.NoNamespace.class)
                .hasMessageContaining("/var/run/netns/capsa-no-such-ns does not exist");
    }

    @Test
    void anMtuTheTapRefusesLeavesNothing() {
        // A veth goes up to 65535, a tap only to 65521: the kernel itself refuses.
        scratch.in(pod, "ip", "link", "set", "dev", "eth0", "mtu", "65535");
        String before = links(pod);
        assertThatThrownBy(() -> SandboxNetwork.attach(tools(runner), new NetnsScanner(),
                InternetworkingModel.TCFILTER))
                .isInstanceOf(NetworkException.class)
                .hasMessageContaining("tap tap0_capsa refused MTU 65535 of eth0");
        assertThat(links(pod)).isEqualTo(before);
        assertThat(scratch.in(pod, "tc", "qdisc", "show", "dev", "eth0")).doesNotContain("ingress");
    }

    @Test
    void anInterfaceVanishingDuringSetupLeavesNothing() {
        CommandRunner vanishing = argv -> {
            if (argv.contains("qdisc") && argv.contains("eth0")) {
                runner.run(List.of("nsenter", "--net=" + pod, "ip", "link", "del", "eth0"));
            }
            return runner.run(argv);
        };
        assertThatThrownBy(() -> SandboxNetwork.attach(tools(vanishing), new NetnsScanner(),
                InternetworkingModel.TCFILTER))
                .isInstanceOf(NetworkException.class)
                .hasMessageContaining("tc qdisc add dev eth0 ingress in " + pod + " failed");
        assertThat(links(pod)).doesNotContain("tap0_capsa").doesNotContain("eth0");
    }

    @Test
    void aNamespaceDeletedUnderneathIsReportedAsGone() {
        NetnsTools tools = tools(runner);
        scratch.run("ip", "netns", "del", ScratchNetns.name(pod));
        assertThatThrownBy(() -> SandboxNetwork.attach(tools, new NetnsScanner(), InternetworkingModel.TCFILTER))
                .isInstanceOf(NetworkException.NoNamespace.class)
                .hasMessageContaining("is gone");
    }

    /** Link names and kinds, without counters or state. */
    private String links(Path ns) {
        return scratch.in(ns, "ip", "-o", "-d", "link", "show").lines()
                .map(l -> l.replaceAll("^\\d+: ", "").replaceAll(" state \\S+", "").replaceAll("<[^>]*>", ""))
                .reduce("", (a, b) -> a + b + "\n");
    }
}
