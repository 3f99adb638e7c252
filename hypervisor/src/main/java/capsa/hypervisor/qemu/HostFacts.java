package capsa.hypervisor.qemu;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the host offers QEMU, probed once: a usable {@code /dev/kvm}, {@code /dev/vhost-vsock}, and the TSC frequency
 * (from {@code /proc/cpuinfo}) that microvm guests need to be told.
 *
 * @param kvm {@code /dev/kvm} opens read-write (existing is not enough: permissions and nested setups vary)
 * @param vhostVsock {@code /dev/vhost-vsock} exists
 * @param cpuKhz host CPU frequency in kHz, if known
 * @param vhostNet {@code /dev/vhost-net} exists (tap NICs then get {@code vhost=on})
 */
public record HostFacts(boolean kvm, boolean vhostVsock, OptionalLong cpuKhz, boolean vhostNet) {

  /** Without vhost-net (most tests, and hosts like the development machines). */
  public HostFacts(boolean kvm, boolean vhostVsock, OptionalLong cpuKhz) {
    this(kvm, vhostVsock, cpuKhz, false);
  }

  private static final Pattern MHZ = Pattern.compile("^cpu MHz\\s*:\\s*([0-9]+(?:\\.[0-9]+)?)", Pattern.MULTILINE);

  /**
   * Probes the real host. KVM counts as usable only if {@code /dev/kvm} opens read-write <em>and</em> QEMU can
   * create a KVM vCPU: nested or restricted hosts expose a {@code /dev/kvm} on which QEMU aborts at vCPU set-up
   * ("failed to set MSR"), so a device node alone proves nothing.
   */
  public static HostFacts probe(Path qemuBinary) {
    boolean kvm = canOpenReadWrite(Path.of("/dev/kvm")) && KvmProbe.qemuCanUseKvm(qemuBinary);
    return new HostFacts(kvm, Files.exists(Path.of("/dev/vhost-vsock")), cpuKhz(Path.of("/proc/cpuinfo")),
        Files.exists(Path.of("/dev/vhost-net")));
  }

  static boolean canOpenReadWrite(Path dev) {
    try {
      FileChannel.open(dev, StandardOpenOption.READ, StandardOpenOption.WRITE).close();
      return true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  static OptionalLong cpuKhz(Path cpuinfo) {
    try {
      return parseCpuKhz(Files.readString(cpuinfo));
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  /** First {@code cpu MHz : 2095.999} line → 2095999 kHz. */
  static OptionalLong parseCpuKhz(String cpuinfo) {
    Matcher m = MHZ.matcher(cpuinfo);
    if (!m.find()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.round(Double.parseDouble(m.group(1)) * 1000));
  }

  /** The accelerator name for {@code -machine accel=}. */
  public String accel() {
    return kvm ? "kvm" : "tcg";
  }

  /** For tests and logs. */
  public List<String> describe() {
    return List.of("kvm=" + kvm, "vhost-vsock=" + vhostVsock, "cpuKhz=" + cpuKhz, "vhost-net=" + vhostNet);
  }
}
