package capsa.hypervisor.pci;

/**
 * One base address register of a function, as a line of sysfs {@code resource} shows it ({@code start end flags}).
 *
 * @param index BAR number 0-5
 * @param size bytes (a power of two for any real BAR)
 * @param memory memory space (false: I/O ports)
 * @param is64 64-bit memory BAR: placed above 4 GiB by the firmware, counted into the 64-bit MMIO window
 * @param prefetchable prefetchable memory
 */
public record Bar(int index, long size, boolean memory, boolean is64, boolean prefetchable) {

  /** Linux {@code IORESOURCE_IO}. */
  static final long IORESOURCE_IO = 0x100;
  /** Linux {@code IORESOURCE_MEM}. */
  static final long IORESOURCE_MEM = 0x200;
  /** Linux {@code IORESOURCE_PREFETCH}. */
  static final long IORESOURCE_PREFETCH = 0x2000;
  /** Linux {@code IORESOURCE_MEM_64}. */
  static final long IORESOURCE_MEM_64 = 0x100000;

  /** Human size: {@code 16M}, {@code 32G}, {@code 4K}. */
  public String sizeText() {
    return SizeText.of(size);
  }

  /** {@code 0:16M}, {@code 1:32G(64,pref)}: the form {@code capsa gpu list} prints. */
  @Override
  public String toString() {
    String attrs = !memory ? "(io)" : is64 && prefetchable ? "(64,pref)" : is64 ? "(64)" : prefetchable ? "(pref)"
        : "";
    return index + ":" + sizeText() + attrs;
  }
}
