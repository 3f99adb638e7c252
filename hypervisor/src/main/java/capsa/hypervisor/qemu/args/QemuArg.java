package capsa.hypervisor.qemu.args;

import java.util.List;

/**
 * One QEMU command-line item ({@code -device ...}, {@code -chardev ...}, {@code -m ...}) as a typed record that
 * renders itself. The command line is a list of these, so each option's syntax lives in exactly one place.
 */
public interface QemuArg {

  /** The argv words, e.g. {@code ["-device", "pcie-root-port,id=rp0,bus=pcie.0,chassis=1,slot=1"]}. */
  List<String> toArgs();
}
