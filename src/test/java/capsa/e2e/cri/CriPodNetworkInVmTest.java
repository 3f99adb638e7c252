package capsa.e2e.cri;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.e2e.guest.AgentGuestImage;
import capsa.e2e.support.BusyboxImage;
import capsa.e2e.support.BusyboxImageExtension;
import capsa.e2e.support.CapsaShimBinary;
import capsa.e2e.support.CniBridge;
import capsa.e2e.support.CommandResult;
import capsa.e2e.support.Commands;
import capsa.e2e.support.ContainerdConfig;
import capsa.e2e.support.CriPlugin;
import capsa.e2e.support.RuntimeHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * CRI pods with their own network namespace through the {@code capsa} handler: containerd's CRI plugin runs the
 * Debian CNI {@code bridge} + {@code host-local} plugins (a private bridge name and 10.x subnet, deleted at the
 * end), the shim carries the pod's {@code eth0} into the VM. Pod A runs busybox httpd; pod B (another VM) fetches
 * from it; after StopPodSandbox the pod namespace holds no tap, qdisc or filter of ours. Two VM boots.
 */
@ExtendWith(BusyboxImageExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(900)
class CriPodNetworkInVmTest {

    private static final String HANDLER = RuntimeHandler.capsa().name();
    private static final Duration EXEC = Duration.ofMinutes(2);
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final Pattern NETNS = Pattern.compile("\"type\":\\s*\"network\",\\s*\"path\":\\s*\"([^\"]+)\"");

    private CapsaShimBinary shim;
    private CriHarness harness;
    private CniBridge bridge;
    private Path held;
    private CriPod podA;
    private String httpd;
    private String ipA;

    @BeforeAll
    void startPod(BusyboxImage image) throws Exception {
        AgentGuestImage guest = AgentGuestImage.get();
        shim = CapsaShimBinary.install();
        int n = ThreadLocalRandom.current().nextInt(16, 250);
        bridge = new CniBridge("capsacri" + n, "10.217." + n + ".0/24");
        Map<String, String> env = new HashMap<>(shim.containerdEnv());
        env.put("CAPSA_GUEST_MANIFEST", guest.manifestFile().toString());
        harness = CriHarness.start(image, ContainerdConfig
                .withCri(CriPlugin.runcOnly().withRuntime(RuntimeHandler.capsa()).withBridge(bridge))
                .withEnv(env));
        awaitTrue("CRI NetworkReady", () -> harness.cri().conditionTrue("NetworkReady"));
        podA = harness.runPod(CriSpecs.podNetworkPod("neta", harness.newLogDirectory("neta")), HANDLER);
        httpd = podA.startContainer("httpd", BusyboxImage.REF, "sh", "-c",
                "mkdir -p /tmp/www && echo hello-from-cri-a > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www");
        ipA = harness.cri().podSandboxStatus(podA.id(), false).getStatus().getNetwork().getIp();
    }

    @AfterAll
    void stop() {
        try {
            if (harness != null) {
                harness.close();
            }
        } finally {
            try {
                if (held != null) {
                    Commands.run(Duration.ofSeconds(20), List.of("umount", held.toString()));
                    Commands.run(Duration.ofSeconds(20), List.of("rm", "-f", held.toString()));
                }
                if (bridge != null) {
                    Commands.run(Duration.ofSeconds(20), List.of("ip", "link", "delete", bridge.bridgeName()));
                    // host-local's state under containerd's default data dir (the network is named after the bridge)
                    Commands.run(Duration.ofSeconds(20), List.of("rm", "-rf", "/var/lib/cni/networks/"
                            + bridge.bridgeName()));
                }
            } finally {
                if (shim != null) {
                    shim.close();
                }
            }
        }
    }

    @Test
    @Order(1)
    void theContainerSeesThePodIpOnEth0AndTheDefaultRoute() {
        assertThat(ipA).startsWith("10.217.");
        ExecResult addr = harness.cri().execSync(httpd, EXEC, "ip", "-o", "addr", "show", "dev", "eth0");
        assertThat(addr.stdout()).as(addr.toString()).contains("inet " + ipA + "/24");
        ExecResult route = harness.cri().execSync(httpd, EXEC, "ip", "route");
        String gateway = ipA.substring(0, ipA.lastIndexOf('.')) + ".1";
        assertThat(route.stdout()).as(route.toString()).contains("default via " + gateway + " dev eth0");
    }

    @Test
    @Order(2)
    void httpdInPodAAnswersTheHostAndPodB() throws Exception {
        awaitTrue("GET from the host", () -> Commands.run(EXEC, List.of("sh", "-c", httpGet(ipA))).stdout()
                .contains("hello-from-cri-a"));
        CriPod podB = harness.runPod(CriSpecs.podNetworkPod("netb", harness.newLogDirectory("netb")), HANDLER);
        try {
            String client = podB.startContainer("client", BusyboxImage.REF, "sleep", "3600");
            ExecResult get = harness.cri().execSync(client, EXEC, "sh", "-c", httpGet(ipA));
            assertThat(get.stdout()).as(get.toString()).contains("hello-from-cri-a");
        } finally {
            podB.stop();
            podB.remove();
        }
    }

    @Test
    @Order(3)
    void afterStopPodSandboxNoTapQdiscOrFilterIsLeft() throws Exception {
        String info = harness.cri().podSandboxStatus(podA.id(), true).getInfoMap().get("info");
        Matcher m = NETNS.matcher(info);
        assertThat(m.find()).as("network namespace in the pod's verbose info").isTrue();
        Path netns = Path.of(m.group(1));
        // Keep the namespace alive past CRI's removal of it, to look inside afterwards.
        held = Files.createTempFile("capsa-held-netns", "");
        Commands.run(Duration.ofSeconds(20), List.of("mount", "--bind", netns.toString(), held.toString()))
                .requireSuccess();
        assertThat(in(held, "ip", "-o", "link", "show").stdout()).contains("tap0_capsa");
        podA.stop();
        // CNI DEL took eth0; what is left must be only loopback: no tap, and so no qdisc or filter of ours.
        awaitTrue("only lo left in the pod namespace", () -> in(held, "ip", "-o", "link", "show").stdout()
                .lines().allMatch(l -> l.matches("^\\d+: lo:.*")));
        assertThat(in(held, "tc", "qdisc", "show").stdout()).doesNotContain("ingress");
        podA.remove();
    }

    private static CommandResult in(Path ns, String... argv) {
        List<String> a = new java.util.ArrayList<>(List.of("nsenter", "--net=" + ns));
        a.addAll(List.of(argv));
        return Commands.run(Duration.ofSeconds(30), a);
    }

    /** busybox nc, not wget: Debian 12's static busybox wget crashes on any URL. */
    private static String httpGet(String ip) {
        return "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | busybox nc -w 20 " + ip + " 8080";
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.sleep(250); // the state changes in other processes (CNI, httpd start, shim teardown)
        }
    }
}
