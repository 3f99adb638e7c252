package capsa.hypervisor.bench;

import capsa.hypervisor.BootTimeline;
import capsa.hypervisor.Vm;
import capsa.hypervisor.qemu.HostFacts;
import capsa.hypervisor.qemu.QemuConfig;
import capsa.hypervisor.qemu.QemuHypervisor;
import capsa.hypervisor.spec.BootSource;
import capsa.hypervisor.spec.MachineType;
import capsa.hypervisor.spec.VmSpec;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Boots each machine type N times, one VM at a time, and prints the boot timeline of every run plus median and spread
 * of time-to-agent-channel-ready. A measurement tool, not a test: run it on an otherwise idle machine.
 *
 * <pre>hypervisor/boot-bench.sh [--runs N] [--machines microvm,q35] [--image build/guest]</pre>
 */
public final class BootBenchmark {

  private BootBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = 5;
    List<MachineType> machines = List.of(MachineType.MICROVM, MachineType.Q35);
    Path image = Path.of("build/guest");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs":
          runs = Integer.parseInt(args[++i]);
          break;
        case "--machines":
          machines = new ArrayList<>();
          for (String m : args[++i].split(",")) {
            machines.add(MachineType.parse(m));
          }
          break;
        case "--image":
          image = Path.of(args[++i]);
          break;
        default:
          System.err.println("usage: BootBenchmark [--runs N] [--machines microvm,q35] [--image DIR]");
          System.exit(2);
      }
    }
    Properties manifest = new Properties();
    try (InputStream in = Files.newInputStream(image.resolve("manifest.properties"))) {
      manifest.load(in);
    }
    BootSource boot = new BootSource.Initrd(Path.of(manifest.getProperty("vmlinux")),
        Path.of(manifest.getProperty("initramfs")));
    QemuConfig config = QemuConfig.defaults();
    HostFacts host = HostFacts.probe(config.binary());
    System.out.printf("host: %s, qemu %s, %d CPUs, kernel %s%n", host.describe(), config.binary(),
        Runtime.getRuntime().availableProcessors(), manifest.getProperty("kernelRelease"));
    EpollEventLoopGroup group = new EpollEventLoopGroup(1);
    Path work = Files.createTempDirectory(Path.of("/tmp"), "capsa-bench");
    try {
      QemuHypervisor hv = new QemuHypervisor(config, group, host, new ObjectMapper(), Optional.empty());
      for (MachineType m : machines) {
        List<Double> ready = new ArrayList<>();
        List<Double> vmm = new ArrayList<>();
        List<Double> console = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
          String id = m.qemuName() + r;
          VmSpec spec = VmSpec.builder().id(id).machine(m).boot(boot)
              .pcieRootPorts(m == MachineType.Q35 ? 1 : 0)
              .consoleLog(work.resolve(id + ".console")).vmmLog(work.resolve(id + ".qemu"))
              .runtimeDir(work.resolve(id)).build();
          try (Vm vm = hv.boot(spec)) {
            Channel ch = vm.connectAgent(Duration.ofSeconds(120)).get(130, TimeUnit.SECONDS);
            BootTimeline t = vm.timeline();
            ch.close();
            vm.stop(Duration.ofSeconds(5));
            ready.add(seconds(t.agentReady()));
            vmm.add(seconds(t.vmmReady()));
            console.add(seconds(t.firstConsoleByte()));
            System.out.printf("%-8s run %d: %s%n", m.qemuName(), r + 1, t.describe());
          }
        }
        System.out.printf(Locale.ROOT, "%-8s n=%d channel-ready median %.3f s (min %.3f, max %.3f, stdev %.3f);"
            + " qmp-ready median %.3f s; first console byte median %.3f s%n", m.qemuName(), runs, median(ready),
            Collections.min(ready), Collections.max(ready), stdev(ready), median(vmm), median(console));
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      deleteTree(work);
    }
  }

  private static double seconds(Optional<Duration> d) {
    return d.map(x -> x.toNanos() / 1e9).orElse(Double.NaN);
  }

  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  static double stdev(List<Double> xs) {
    double mean = xs.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    return Math.sqrt(xs.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / Math.max(1, xs.size() - 1));
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(Collections.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
