package capsa.e2e.vm;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.e2e.support.BusyboxImage;
import capsa.e2e.support.CapsaShimBinary;
import capsa.e2e.support.CommandResult;
import capsa.e2e.support.ContainerdConfig;
import capsa.e2e.support.Leftovers;
import capsa.e2e.support.PrivateContainerd;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Issue 5 item 7 as a harness (not a CI test: runs only with {@code -Dcapsa.bench=true}, via
 * {@code scripts/bench-shim-footprint.sh}): one private containerd 1.6 runs the same busybox {@code sleep} under our
 * shim (in a VM) and under {@code containerd-shim-runc-v2}, and prints, as {@code SHIM-BENCH} lines:
 *
 * <ul>
 *   <li>idle RSS and PSS ({@code /proc/<pid>/smaps_rollup}) of each shim daemon with one task, after an idle pause;
 *   <li>{@code ctr run -d} wall time, ours split by the shim's own log lines (containerd's log, through the FIFO):
 *       until the daemon serves, until QEMU is spawned, until the agent is ready (the BootTimeline), until Start.
 * </ul>
 */
@EnabledIfSystemProperty(named = "capsa.bench", matches = "true")
@Timeout(3600)
class ShimFootprintBench {

    private static final Duration CTR = Duration.ofMinutes(5);
    private static final Pattern TIME = Pattern.compile("^time=\"([^\"]+)\"");
    private static final Pattern TIMELINE = Pattern.compile("spawned=(\\S+) vmm=\\+([0-9.]+)s console=\\+([0-9.]+)s"
            + " agent=\\+([0-9.]+)s");

    @Test
    void footprintAndTimelineSideBySideWithRunc() throws Exception {
        int runs = Integer.getInteger("capsa.bench.runs", 3);
        long idleSeconds = Long.getLong("capsa.bench.idleSeconds", 20);
        GuestImageFixture guest = GuestImageFixture.require();
        try (CapsaShimBinary shim = CapsaShimBinary.install()) {
            Map<String, String> env = new HashMap<>(shim.containerdEnv());
            env.put("CAPSA_GUEST_MANIFEST", guest.manifest().toString());
            Optional.ofNullable(System.getenv("CAPSA_SHIM_JAVA_OPTS")).ifPresent(o -> env.put("CAPSA_SHIM_JAVA_OPTS", o));
            try (PrivateContainerd containerd = PrivateContainerd.start(ContainerdConfig.plain().withEnv(env))) {
                String image = BusyboxImage.buildAndImport(containerd, "default");
                System.out.println("SHIM-BENCH load " + Files.readString(Path.of("/proc/loadavg")).trim()
                        + " opts=" + env.getOrDefault("CAPSA_SHIM_JAVA_OPTS", "(launcher defaults)"));
                for (int i = 1; i <= runs; i++) {
                    String capsa = "bench-capsa-" + i;
                    String runc = "bench-runc-" + i;
                    long c0 = System.nanoTime();
                    Instant start = Instant.now();
                    run(containerd, "--runtime", CapsaShimBinary.RUNTIME, image, capsa);
                    long capsaMs = (System.nanoTime() - c0) / 1_000_000;
                    long r0 = System.nanoTime();
                    run(containerd, image, runc);
                    long runcMs = (System.nanoTime() - r0) / 1_000_000;
                    System.out.printf("SHIM-BENCH run %d ctr-run-d capsa=%d ms runc=%d ms%n", i, capsaMs, runcMs);
                    System.out.println("SHIM-BENCH run " + i + " split " + split(containerd.logText(), capsa, start));
                    if (i == 1) {
                        Thread.sleep(Duration.ofSeconds(idleSeconds).toMillis()); // "idle": nothing to wait for
                        long capsaPid = Long.parseLong(Files.readString(
                                VmLeftovers.bundle(containerd, capsa).resolve("shim.pid"), StandardCharsets.US_ASCII)
                                .trim());
                        long runcPid = Leftovers.shimPids(containerd.grpcSocket()).stream()
                                .filter(p -> VmLeftovers.cmdline(p).contains("containerd-shim-runc-v2")
                                        && VmLeftovers.cmdline(p).contains(runc))
                                .findFirst().orElseThrow();
                        System.out.println("SHIM-BENCH memory capsa " + memory(capsaPid));
                        System.out.println("SHIM-BENCH memory runc  " + memory(runcPid));
                    }
                    for (String id : List.of(capsa, runc)) {
                        containerd.ctr(CTR, "task", "kill", "-s", "SIGKILL", id);
                        containerd.ctr(CTR, "task", "rm", "-f", id);
                        containerd.ctr(CTR, "containers", "rm", id);
                    }
                    VmLeftovers.awaitNoneFor(containerd, capsa);
                }
            }
        }
    }

    private static void run(PrivateContainerd containerd, String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("run", "-d"));
        argv.addAll(List.of(args));
        argv.addAll(List.of("sleep", "3600"));
        CommandResult r = containerd.ctr(CTR, argv.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.describe()).isZero();
    }

    /** The shim's milestones for task {@code id}, in ms after {@code start} (when ctr was run). */
    static String split(String log, String id, Instant start) {
        Instant serving = at(log, "msg=\"shim " + id + " serving");
        Instant ready = at(log, "msg=\"sandbox " + id + ": VM pid");
        Instant started = at(log, "msg=\"Start " + id + ": ok");
        String line = log.lines().filter(l -> l.contains("msg=\"sandbox " + id + ": VM pid")).findFirst().orElse("");
        Matcher m = TIMELINE.matcher(line);
        if (!m.find() || serving == null || ready == null || started == null) {
            return "(milestones missing in containerd's log: serving=" + serving + " ready=" + ready + " started="
                    + started + ")";
        }
        Instant spawned = Instant.parse(m.group(1));
        return String.format("shim-serving=%d vm-spawned=%d qmp=+%.0f first-console=+%.0f agent-ready=%d"
                        + " started=%d (ms after ctr run)",
                ms(start, serving), ms(start, spawned), secs(m.group(2)), secs(m.group(3)), ms(start, ready),
                ms(start, started));
    }

    private static double secs(String s) {
        return Double.parseDouble(s) * 1000;
    }

    private static long ms(Instant from, Instant to) {
        return Duration.between(from, to).toMillis();
    }

    private static Instant at(String log, String marker) {
        return log.lines().filter(l -> l.contains(marker)).findFirst().map(l -> {
            Matcher m = TIME.matcher(l);
            return m.find() ? Instant.parse(m.group(1)) : null;
        }).orElse(null);
    }

    /** RSS, PSS and thread count of {@code pid}, in kB, from smaps_rollup and status. */
    static String memory(long pid) throws IOException {
        Map<String, String> rollup = new HashMap<>();
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
            String[] f = l.split(":\\s+");
            if (f.length == 2) {
                rollup.put(f[0], f[1].trim());
            }
        }
        String threads = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.startsWith("Threads:")).findFirst().orElse("Threads: ?").replaceAll("\\s+", " ");
        return "pid=" + pid + " Rss=" + rollup.get("Rss") + " Pss=" + rollup.get("Pss") + " Pss_Anon="
                + rollup.get("Pss_Anon") + " Pss_File=" + rollup.get("Pss_File") + " " + threads;
    }
}
