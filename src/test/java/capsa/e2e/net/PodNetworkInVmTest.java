package capsa.e2e.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import capsa.e2e.guest.AgentGuestImage;
import capsa.e2e.support.BusyboxImage;
import capsa.e2e.support.CapsaShimBinary;
import capsa.e2e.support.CommandResult;
import capsa.e2e.support.ContainerdConfig;
import capsa.e2e.support.PrivateContainerd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Containers in QEMU (TCG) VMs on a real CNI bridge network: {@code ctr run --with-ns network:<netns>} hands the
 * shim a namespace that the bridge plugin wired, the shim mirrors its interfaces into the VM and the agent
 * configures them. Two VM boots in all: pod A (an httpd, shared by the ordered methods) and pod B (a client with two
 * NICs). At the end the namespaces hold exactly what CNI put there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(900)
class PodNetworkInVmTest {

    private static final Duration CTR = Duration.ofMinutes(5);
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String A = "net-pod-a";

    private CapsaShimBinary shim;
    private PrivateContainerd containerd;
    private ScratchCni cni;
    private ScratchCni.Pod podA;
    private String image;
    private String linksOfA;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(ScratchCni.available(), "needs root and containernetworking-plugins in /usr/lib/cni");
        AgentGuestImage guest = AgentGuestImage.get();
        cni = new ScratchCni("10.215.0.0/24");
        podA = cni.addPod("a");
        linksOfA = links(podA.netns());
        shim = CapsaShimBinary.install();
        Map<String, String> env = new HashMap<>(shim.containerdEnv());
        env.put("CAPSA_GUEST_MANIFEST", guest.manifestFile().toString());
        containerd = PrivateContainerd.start(ContainerdConfig.plain().withEnv(env));
        image = BusyboxImage.buildAndImport(containerd, "default");
        CommandResult run = containerd.ctr(CTR, "run", "-d", "--runtime", CapsaShimBinary.RUNTIME, "--with-ns",
                "network:" + podA.netns(), image, A, "sh", "-c",
                "mkdir -p /tmp/www && echo hello-from-a > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www");
        assertThat(run.exitCode()).as(run.describe()).isZero();
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (containerd != null) {
                // The shims log into containerd's log: keep it with the test output for diagnosis.
                System.out.println("containerd log:\n" + containerd.logText());
                containerd.ctr(CTR, "task", "rm", "-f", A);
                containerd.ctr(CTR, "containers", "rm", A);
                containerd.close();
            }
        } finally {
            try {
                if (shim != null) {
                    shim.close();
                }
            } finally {
                if (cni != null) {
                    cni.close();
                }
            }
        }
    }

    @Test
    @Order(1)
    void theContainerSeesItsCniAddressOnEth0AndTheDefaultRoute() {
        CommandResult addr = exec(A, "e1", "ip", "-o", "addr", "show", "dev", "eth0");
        assertThat(addr.stdout()).as(addr.describe()).contains("inet " + podA.cidr());
        CommandResult route = exec(A, "e2", "ip", "route");
        assertThat(route.stdout()).as(route.describe()).contains("default via " + podA.gateway() + " dev eth0");
        // The host side: one tap, mirrored both ways, QEMU inside the pod namespace.
        assertThat(cni.in(podA.netns(), "ip", "-o", "link", "show", "tap0_capsa").stdout()).contains("UP");
        assertThat(cni.in(podA.netns(), "tc", "filter", "show", "dev", "eth0", "ingress").stdout())
                .contains("Redirect to device tap0_capsa");
    }

    @Test
    @Order(2)
    void httpdInPodAAnswersTheHost() throws Exception {
        awaitTrue("GET http://" + podA.ip() + ":8080/ from the host namespace", () -> cni.in(cni.hostNs(),
                "sh", "-c", httpGet(podA.ip(), 8080)).stdout().contains("hello-from-a"));
    }

    @Test
    @Order(3)
    void podBInAnotherVmReachesPodAAndItsSecondNic() throws Exception {
        ScratchCni.Pod podB = cni.addPod("b");
        cni.addVeth(podB.netns(), "net1", "10.216.0.2/24", "10.216.0.1/24");
        String before = links(podB.netns());
        CommandResult run = containerd.ctr(CTR, "run", "--rm", "--runtime", CapsaShimBinary.RUNTIME, "--with-ns",
                "network:" + podB.netns(), image, "net-pod-b", "sh", "-c",
                "ip -o addr show; " + httpGet(podA.ip(), 8080) + " && ping -c 1 -W 20 10.216.0.1");
        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.stdout()).as(run.describe())
                .contains("eth0", "inet " + podB.cidr(), "net1", "inet 10.216.0.2/24", "hello-from-a",
                        "1 packets received");
        awaitTrue("pod B's taps removed", () -> links(podB.netns()).equals(before));
        assertThat(cni.in(podB.netns(), "tc", "qdisc", "show", "dev", "net1").stdout()).doesNotContain("ingress");
    }

    @Test
    @Order(4)
    void aMissingNamespaceFailsTheCreateClearly() {
        CommandResult run = containerd.ctr(CTR, "run", "--rm", "--runtime", CapsaShimBinary.RUNTIME, "--with-ns",
                "network:/var/run/netns/capsa-no-such-netns", image, "net-pod-bad", "true");
        assertThat(run.exitCode()).as(run.describe()).isNotZero();
        assertThat(run.stderr()).as(run.describe()).contains("/var/run/netns/capsa-no-such-netns does not exist");
        containerd.ctr(CTR, "containers", "rm", "net-pod-bad");
    }

    @Test
    @Order(5)
    void afterPodAStopsItsNamespaceHoldsOnlyWhatCniPutThere() throws Exception {
        containerd.ctr(CTR, "task", "kill", "-s", "SIGKILL", A);
        awaitTrue("pod A stopped", () -> containerd.ctr(CTR, "task", "ls").stdout().lines()
                .anyMatch(l -> l.startsWith(A) && l.contains("STOPPED")));
        CommandResult rm = containerd.ctr(CTR, "task", "rm", A);
        assertThat(rm.exitCode()).as(rm.describe()).isZero();
        awaitTrue("pod A's tap removed", () -> links(podA.netns()).equals(linksOfA));
        assertThat(cni.in(podA.netns(), "tc", "qdisc", "show", "dev", "eth0").stdout()).doesNotContain("ingress");
        assertThat(cni.in(podA.netns(), "tc", "filter", "show", "dev", "eth0", "ingress").stdout()).isBlank();
    }

    /**
     * A shell command printing the answer to {@code GET /}. busybox's nc, not its wget: Debian 12's static busybox
     * wget crashes (SIGSEGV) on any URL.
     */
    private static String httpGet(String ip, int port) {
        return "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | busybox nc -w 20 " + ip + " " + port;
    }

    private CommandResult exec(String id, String execId, String... argv) {
        List<String> args = new java.util.ArrayList<>(List.of("task", "exec", "--exec-id", execId, id));
        args.addAll(List.of(argv));
        CommandResult r = containerd.ctr(CTR, args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        return r;
    }

    /** The link names of a namespace, sorted. */
    private String links(Path ns) {
        return cni.in(ns, "ip", "-o", "link", "show").stdout().lines()
                .map(l -> l.replaceAll("^\\d+: ([^:@]+).*$", "$1").strip())
                .sorted().reduce("", (x, y) -> x + y + "\n");
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.sleep(250); // the state changes in other processes (httpd start, shim teardown)
        }
    }
}
