package capsa.e2e.net;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.e2e.guest.AgentGuestImage;
import capsa.e2e.support.BusyboxImage;
import capsa.e2e.support.CapsaShimBinary;
import capsa.e2e.support.CommandResult;
import capsa.e2e.support.ContainerdConfig;
import capsa.e2e.support.PrivateContainerd;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Benchmark, not a test (runs only with {@code -Dcapsa.bench=net}): TCP throughput and ping RTT from a pod to the
 * host side of its CNI bridge, for a container in a Capsa VM (tap + tc mirred, QEMU TCG) and for a runc container on
 * the same bridge. busybox {@code nc} streams {@value #MIB} MiB of zeros to a busybox {@code nc} listener in the
 * bridge's namespace; the time is taken inside the container from {@code /proc/uptime} (10 ms resolution).
 */
@EnabledIfSystemProperty(named = "capsa.bench", matches = "net")
@Timeout(1800)
class PodNetworkBench {

    static final int MIB = 64;
    static final int ROUNDS = 2;
    private static final Duration CTR = Duration.ofMinutes(10);
    private static final Pattern SECONDS = Pattern.compile("ELAPSED ([0-9.]+) ([0-9.]+)");
    private static final Pattern RTT = Pattern.compile("min/avg/max = ([0-9.]+)/([0-9.]+)/([0-9.]+)");

    @Test
    void tapPathVersusRunc() throws Exception {
        AgentGuestImage guest = AgentGuestImage.get();
        try (ScratchCni cni = new ScratchCni("10.218.0.0/24");
                CapsaShimBinary shim = CapsaShimBinary.install()) {
            Map<String, String> env = new HashMap<>(shim.containerdEnv());
            env.put("CAPSA_GUEST_MANIFEST", guest.manifestFile().toString());
            try (PrivateContainerd containerd = PrivateContainerd.start(ContainerdConfig.plain().withEnv(env))) {
                String image = BusyboxImage.buildAndImport(containerd, "default");
                String gateway = "10.218.0.1";
                StringBuilder report = new StringBuilder("| pod | runtime | throughput MiB/s | RTT min/avg/max ms |\n"
                        + "|---|---|---|---|\n");
                for (String runtime : new String[] {CapsaShimBinary.RUNTIME, "io.containerd.runc.v2"}) {
                    String name = runtime.contains("runc") ? "runc" : "capsa";
                    ScratchCni.Pod pod = cni.addPod(name);
                    for (int round = 0; round < ROUNDS; round++) {
                        // Listener first, in the bridge's namespace; it exits when the sender closes.
                        ProcessHandle listener = new ProcessBuilder("nsenter", "--net=" + cni.hostNs(), "sh", "-c",
                                "exec busybox nc -l -p 5001 > /dev/null").start().toHandle();
                        try {
                            CommandResult run = containerd.ctr(CTR, "run", "--rm", "--runtime", runtime, "--with-ns",
                                    "network:" + pod.netns(), image, "bench-" + name + round, "sh", "-c",
                                    "ping -c 10 -i 0.2 " + gateway + " | tail -1; sleep 1; read a _ < /proc/uptime; "
                                            + "dd if=/dev/zero bs=65536 count=" + (MIB * 16) + " 2>/dev/null | nc "
                                            + gateway + " 5001; read b _ < /proc/uptime; echo ELAPSED $a $b");
                            assertThat(run.exitCode()).as(run.describe()).isZero();
                            Matcher s = SECONDS.matcher(run.stdout());
                            Matcher r = RTT.matcher(run.stdout());
                            assertThat(s.find() && r.find()).as(run.describe()).isTrue();
                            double secs = Double.parseDouble(s.group(2)) - Double.parseDouble(s.group(1));
                            report.append("| ").append(round + 1).append(" | ").append(name).append(" | ")
                                    .append(String.format("%.1f", MIB / secs)).append(" | ").append(r.group(1))
                                    .append('/').append(r.group(2)).append('/').append(r.group(3)).append(" |\n");
                        } finally {
                            listener.destroyForcibly();
                        }
                    }
                }
                System.out.println("POD NETWORK BENCH\n" + report);
            }
        }
    }
}
