package capsa.hypervisor.qemu.args;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Machine-wide options: machine type, accelerator, CPU, memory, kernel, process knobs. */
public final class MachineArgs {

  private MachineArgs() {}

  /** {@code -name}: shows in {@code ps} and QEMU's own messages. */
  public record Name(String name) implements QemuArg {
    @Override
    public List<String> toArgs() {
      return List.of("-name", QemuOpts.of(name).toString());
    }
  }

  /** {@code -machine q35,accel=tcg} plus machine-specific switches. */
  public record Machine(String type, String accel, List<String> extraOpts) implements QemuArg {
    public Machine {
      extraOpts = List.copyOf(extraOpts);
    }

    @Override
    public List<String> toArgs() {
      StringBuilder sb = new StringBuilder(type).append(",accel=").append(accel);
      extraOpts.forEach(o -> sb.append(',').append(o));
      return List.of("-machine", sb.toString());
    }
  }

  /** {@code -cpu host} on KVM; under TCG QEMU's default model is used (no flag). */
  public record Cpu(String model) implements QemuArg {
    @Override
    public List<String> toArgs() {
      return List.of("-cpu", model);
    }
  }

  /** {@code -smp cpus=N,maxcpus=M}. */
  public record Smp(int cpus, int maxCpus) implements QemuArg {
    @Override
    public List<String> toArgs() {
      return List.of("-smp", "cpus=" + cpus + ",maxcpus=" + maxCpus);
    }
  }

  /** {@code -m 512M} or {@code -m 512M,slots=S,maxmem=NM} when memory may be hot-added. */
  public record Memory(long mib, int slots, long maxMib) implements QemuArg {
    @Override
    public List<String> toArgs() {
      String v = mib + "M";
      if (maxMib > mib && slots > 0) {
        v += ",slots=" + slots + ",maxmem=" + maxMib + "M";
      }
      return List.of("-m", v);
    }
  }

  /** {@code -kernel}, {@code -initrd}, {@code -append}. */
  public record KernelBoot(Path kernel, Optional<Path> initrd, String append) implements QemuArg {
    @Override
    public List<String> toArgs() {
      List<String> a = new ArrayList<>(List.of("-kernel", kernel.toAbsolutePath().toString()));
      initrd.ifPresent(i -> a.addAll(List.of("-initrd", i.toAbsolutePath().toString())));
      a.addAll(List.of("-append", append));
      return a;
    }
  }

  /**
   * Process knobs: no config files, no default devices, no display, and {@code -no-reboot} so a guest reboot (our
   * guests' way to power off where there is no ACPI) ends the QEMU process.
   */
  public record Knobs() implements QemuArg {
    @Override
    public List<String> toArgs() {
      return List.of("-no-user-config", "-nodefaults", "-display", "none", "-no-reboot");
    }
  }

  /** {@code -pidfile}. */
  public record PidFile(Path path) implements QemuArg {
    @Override
    public List<String> toArgs() {
      return List.of("-pidfile", path.toAbsolutePath().toString());
    }
  }

  /** {@code -qmp unix:<path>,server=on,wait=off}: QEMU owns the listening socket; we poll-connect. */
  public record Qmp(Path socket) implements QemuArg {
    @Override
    public List<String> toArgs() {
      return List.of("-qmp", QemuOpts.of("unix:" + socket.toAbsolutePath()).flag("server", true)
          .flag("wait", false).toString());
    }
  }

  /** {@code -global driver.property=value}: a default for every device of that driver. */
  public record Global(String driver, String property, String value) implements QemuArg {
    @Override
    public List<String> toArgs() {
      return List.of("-global", driver + "." + property + "=" + value);
    }
  }

  /** {@code -bios <firmware>}: boot through UEFI (OVMF) instead of SeaBIOS; the kernel still comes from fw_cfg. */
  public record Bios(Path firmware) implements QemuArg {
    @Override
    public List<String> toArgs() {
      return List.of("-bios", firmware.toAbsolutePath().toString());
    }
  }

  /** {@code -fw_cfg name=<name>,string=<value>}: a firmware configuration item. */
  public record FwCfgString(String name, String value) implements QemuArg {
    @Override
    public List<String> toArgs() {
      return List.of("-fw_cfg", QemuOpts.of("name=" + name).add("string", value).toString());
    }
  }
}
