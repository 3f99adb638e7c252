package capsa.hypervisor.clh.api;

import java.util.Objects;

/** What the VMM boots: a kernel (PVH/ELF {@code vmlinux} or bzImage), its command line and an optional initramfs. */
public record PayloadConfig(String kernel, String cmdline, String initramfs) {
  public PayloadConfig {
    Objects.requireNonNull(kernel, "kernel");
  }
}
