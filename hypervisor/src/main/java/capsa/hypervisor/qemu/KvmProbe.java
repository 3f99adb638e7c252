package capsa.hypervisor.qemu;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks QEMU itself whether KVM works: starts a paused, device-less microvm with {@code accel=kvm}, sends
 * {@code qmp_capabilities} + {@code quit} on a stdio QMP monitor and expects a clean exit. QEMU creates and resets the
 * vCPU before its main loop serves QMP, so exit status 0 means KVM vCPUs work. Costs ~0.1 s once per probe.
 */
final class KvmProbe {

  private static final Logger LOG = LoggerFactory.getLogger(KvmProbe.class);

  private KvmProbe() {}

  static boolean qemuCanUseKvm(Path qemu) {
    if (!Files.isExecutable(qemu)) {
      return false;
    }
    Path out = null;
    try {
      out = Files.createTempFile("capsa-kvm-probe", ".log");
      Process p = new ProcessBuilder(List.of(qemu.toString(), "-machine", "microvm,accel=kvm", "-cpu", "host",
          "-nodefaults", "-no-user-config", "-display", "none", "-S", "-qmp", "stdio"))
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      try (OutputStream in = p.getOutputStream()) {
        in.write("{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"quit\"}\n".getBytes(StandardCharsets.US_ASCII));
      } catch (IOException e) {
        // QEMU already died; its exit status tells.
      }
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        LOG.warn("KVM probe: QEMU did not exit within 10 s; assuming KVM is not usable");
        return false;
      }
      if (p.exitValue() != 0) {
        LOG.warn("/dev/kvm exists but QEMU cannot run KVM vCPUs here (exit {}): {}", p.exitValue(),
            QemuLogs.tail(out).lines().filter(l -> !l.startsWith("{")).findFirst().orElse("no message"));
        return false;
      }
      return true;
    } catch (IOException e) {
      LOG.warn("KVM probe could not run {}", qemu, e);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException e) {
          LOG.debug("Could not delete {}", out, e);
        }
      }
    }
  }
}
