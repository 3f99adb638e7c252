package capsa.hypervisor.qemu;

import capsa.hypervisor.spec.BootSource;
import capsa.hypervisor.spec.MachineType;
import capsa.hypervisor.spec.VmSpec;
import java.util.ArrayList;
import java.util.List;

/** The kernel command line: parameters this backend needs for the machine and host, then the spec's own. */
final class KernelParams {

  private KernelParams() {}

  static List<String> build(VmSpec spec, HostFacts host) {
    List<String> p = new ArrayList<>();
    // The first UART is wired to the console log file.
    p.add("console=ttyS0");
    // Serial output is slow under TCG; the kernel's boot chatter would cost time on every boot.
    p.add("quiet");
    // On panic reboot at once: with -no-reboot QEMU then exits and the exit watcher reports the death, instead of a
    // hung VM that looks alive.
    p.add("panic=-1");
    // The crypto self-tests are the slowest initcall (~200 ms under TCG) and test nothing of ours.
    p.add("cryptomgr.notests=1");
    // The SP800-108 KDF runs its self-test from its own initcall, which cryptomgr.notests does not cover; under TCG it
    // measured 0.3-1.1 s of a ~2.5 s boot. Nothing in our guest uses it.
    p.add("initcall_blacklist=crypto_kdf108_init");
    // The clocksource watchdog checks the TSC against jiffies; on a loaded TCG host the jiffies lag, the TSC gets
    // marked unstable and the guest falls back to a 4 ms-resolution clocksource. The TSC QEMU gives is sound (Kata
    // passes the same).
    p.add("tsc=reliable");
    if (spec.machine() == MachineType.MICROVM && host.cpuKhz().isPresent()) {
      // microvm has no PIT/HPET to calibrate the TSC against; without the frequency some boots hang for good
      // ("Unable to calibrate against PIT"). KVM guests get kvm-clock, but the hint is harmless there.
      p.add("tsc_early_khz=" + host.cpuKhz().getAsLong());
    }
    if (!host.kvm()) {
      // TCG does not execute speculatively, so CPU vulnerability mitigations only cost time.
      p.add("mitigations=off");
    }
    if (spec.machine() == MachineType.Q35 && spec.maxMemory().compareTo(spec.memory()) > 0) {
      // Hot-added DIMMs come online by themselves; otherwise every resize would need a guest-side step.
      p.add("memhp_default_state=online");
    }
    if (spec.boot() instanceof BootSource.Image) {
      // The image is attached as the first virtio-blk disk.
      p.add("root=/dev/vda");
      p.add("ro");
    }
    // Last, so the caller can override any of the above (later values win for most parameters).
    p.addAll(spec.kernelParams());
    return p;
  }
}
