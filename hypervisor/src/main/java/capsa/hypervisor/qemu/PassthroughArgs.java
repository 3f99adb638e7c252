package capsa.hypervisor.qemu;

import capsa.hypervisor.qemu.args.MachineArgs;
import capsa.hypervisor.qemu.args.QemuArg;
import capsa.hypervisor.spec.DataSize;
import capsa.hypervisor.spec.MachineType;
import capsa.hypervisor.spec.VmSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Firmware and 64-bit MMIO window options for a q35 VM with passthrough. The window size is told to both places that
 * decide it: QEMU's q35 host bridge ({@code pci-hole64-size}, what QEMU's ACPI tables advertise when SeaBIOS boots)
 * and OVMF ({@code opt/ovmf/X-PciMmio64Mb}, OVMF sizes its own aperture and ignores the former).
 */
final class PassthroughArgs {

  static final String OVMF_MMIO64_MB = "opt/ovmf/X-PciMmio64Mb";

  private PassthroughArgs() {}

  static List<QemuArg> firmwareAndWindow(VmSpec spec) {
    List<QemuArg> a = new ArrayList<>();
    if (spec.machine() != MachineType.Q35) {
      return a;
    }
    spec.passthrough().firmware().ifPresent(f -> a.add(new MachineArgs.Bios(f)));
    if (spec.passthrough().mmio64Window().isPresent()) {
      DataSize w = spec.passthrough().mmio64Window().get();
      a.add(new MachineArgs.Global("q35-pcihost", "pci-hole64-size", Long.toString(w.bytes())));
      if (spec.passthrough().firmware().isPresent()) {
        a.add(new MachineArgs.FwCfgString(OVMF_MMIO64_MB, Long.toString(w.toMebibytes())));
      }
    }
    return a;
  }
}
