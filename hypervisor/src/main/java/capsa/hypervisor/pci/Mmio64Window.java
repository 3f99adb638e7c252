package capsa.hypervisor.pci;

import java.util.List;

/**
 * The 64-bit MMIO window (guest physical address space above 4 GiB) the firmware must offer for a set of
 * passed-through functions, each on its own root port, plus spare root ports reserving room for hot-plug.
 *
 * <p>Rule, and why:
 * <ol>
 *   <li>Per root port: the function's 64-bit BARs summed, rounded up to a power of two. A bridge window starts at an
 *       address aligned to its largest BAR and BARs are naturally aligned powers of two; a power-of-two window holds
 *       any set of power-of-two BARs of that total (packed largest first) and packs without holes next to other
 *       power-of-two windows.
 *   <li>Spare ports add their configured reservation (already what the port asks for with {@code pref64-reserve}).
 *   <li>The total is rounded up to a power of two, because OVMF aligns the aperture's base to the largest power of
 *       two not above its size: a power-of-two size loses nothing to that alignment and lets a BAR as large as the
 *       whole window fit.
 *   <li>Never below {@link #FIRMWARE_DEFAULT} (32 GiB, the default of both OVMF and QEMU's q35 {@code pci-hole64}):
 *       asking for less would only shrink what the guest gets without us.
 * </ol>
 * Results are whole MiB, the unit of OVMF's {@code opt/ovmf/X-PciMmio64Mb}.
 */
public record Mmio64Window(long bytes) {

  public static final long FIRMWARE_DEFAULT = 32L << 30;
  private static final long MIB = 1L << 20;

  /**
   * @param perPort the functions cold-plugged, one per root port
   * @param sparePorts root ports left free for hot-plug
   * @param reservePerSparePort bytes each spare port reserves for a hot-plugged device's 64-bit BARs (0: none)
   */
  public static Mmio64Window forPorts(List<PciFunction> perPort, int sparePorts, long reservePerSparePort) {
    long total = 0;
    for (PciFunction f : perPort) {
      total = Math.addExact(total, ceilPowerOfTwo(f.bar64Bytes()));
    }
    total = Math.addExact(total, Math.multiplyExact((long) sparePorts, reservePerSparePort));
    return new Mmio64Window(Math.max(FIRMWARE_DEFAULT, ceilPowerOfTwo(total)));
  }

  /** Whether the devices need more than the firmware gives by default (only then are extra options emitted). */
  public boolean exceedsDefault() {
    return bytes > FIRMWARE_DEFAULT;
  }

  public long mebibytes() {
    return (bytes + MIB - 1) / MIB;
  }

  /** Smallest power of two at or above {@code v} (0 stays 0; at least 1 MiB otherwise, the smallest bridge window). */
  static long ceilPowerOfTwo(long v) {
    if (v <= 0) {
      return 0;
    }
    long p = Long.highestOneBit(Math.max(v, MIB));
    return p == Math.max(v, MIB) ? p : Math.multiplyExact(p, 2);
  }

  @Override
  public String toString() {
    return SizeText.of(bytes);
  }
}
