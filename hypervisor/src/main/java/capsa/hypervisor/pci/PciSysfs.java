package capsa.hypervisor.pci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * Reads PCI functions and IOMMU groups from a sysfs tree: {@code <root>/bus/pci/devices/<BDF>/{vendor, device,
 * class, driver, iommu_group, numa_node, config, resource}} and {@code <root>/kernel/iommu_groups/<N>/devices/}.
 * The root is {@code /sys} in production and a directory the test built in tests.
 *
 * <p>Threading: stateless apart from the root; blocking file reads.
 */
public final class PciSysfs {

  /** PCI config space is 256 bytes; PCIe extends it to 4096. */
  private static final long PCI_CONFIG_SIZE = 256;
  /** Lines 0-5 of {@code resource} are the BARs (6 is the ROM, later lines bridge windows / SR-IOV). */
  private static final int BAR_LINES = 6;

  private final Path root;

  public PciSysfs(Path sysRoot) {
    this.root = sysRoot;
  }

  /** The real host's sysfs. */
  public static PciSysfs host() {
    return new PciSysfs(Path.of("/sys"));
  }

  public Path root() {
    return root;
  }

  /** {@code <root>/bus/pci/devices/<BDF>}. */
  public Path deviceDir(PciAddress a) {
    return root.resolve("bus/pci/devices").resolve(a.toString());
  }

  /** Every function, sorted by address; empty when the tree has no PCI bus. */
  public List<PciFunction> all() {
    Path dir = root.resolve("bus/pci/devices");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<PciFunction> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s.sorted()::iterator) {
        String name = p.getFileName().toString();
        if (PciAddress.looksLikeAddress(name)) {
          out.add(function(PciAddress.parse(name)));
        }
      }
    } catch (IOException e) {
      throw new PciSysfsException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** One function. */
  public PciFunction function(PciAddress a) {
    Path d = deviceDir(a);
    if (!Files.isDirectory(d)) {
      throw new PciSysfsException("no PCI device " + a + " (" + d + " does not exist)");
    }
    return new PciFunction(a, hex(d.resolve("vendor")), hex(d.resolve("device")), hex(d.resolve("class")),
        linkName(d.resolve("driver")), linkName(d.resolve("iommu_group")).map(Integer::parseInt)
            .map(OptionalInt::of).orElse(OptionalInt.empty()),
        numaNode(d), pcie(d), bars(d.resolve("resource")));
  }

  /** The IOMMU group of number {@code n}, members sorted, bridges set apart. */
  public IommuGroup group(int n) {
    Path dir = root.resolve("kernel/iommu_groups").resolve(Integer.toString(n)).resolve("devices");
    if (!Files.isDirectory(dir)) {
      throw new PciSysfsException("no IOMMU group " + n + " (" + dir + " does not exist; is the IOMMU on?)");
    }
    List<PciFunction> members = new ArrayList<>();
    List<PciFunction> bridges = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s.sorted()::iterator) {
        String name = p.getFileName().toString();
        if (!PciAddress.looksLikeAddress(name)) {
          continue;
        }
        PciFunction f = function(PciAddress.parse(name));
        (f.isBridge() ? bridges : members).add(f);
      }
    } catch (IOException e) {
      throw new PciSysfsException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    return new IommuGroup(n, members, bridges);
  }

  /** The group a function belongs to. */
  public IommuGroup groupOf(PciAddress a) {
    PciFunction f = function(a);
    if (f.iommuGroup().isEmpty()) {
      throw new PciSysfsException(a + " has no IOMMU group: the host IOMMU is off (intel_iommu=on / amd_iommu=on)");
    }
    return group(f.iommuGroup().getAsInt());
  }

  private static int hex(Path p) {
    String s = read(p).trim();
    try {
      return Integer.parseInt(s.startsWith("0x") ? s.substring(2) : s, 16);
    } catch (NumberFormatException e) {
      throw new PciSysfsException("not a hex number in " + p + ": '" + s + "'", e);
    }
  }

  private static OptionalInt numaNode(Path d) {
    Path p = d.resolve("numa_node");
    if (!Files.exists(p)) {
      return OptionalInt.empty();
    }
    int n = Integer.parseInt(read(p).trim());
    return n < 0 ? OptionalInt.empty() : OptionalInt.of(n);
  }

  private static boolean pcie(Path d) {
    try {
      return Files.size(d.resolve("config")) > PCI_CONFIG_SIZE;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses {@code resource}: {@code 0x<start> 0x<end> 0x<flags>} per line; all-zero lines are unused BARs. */
  static List<Bar> bars(Path resource) {
    if (!Files.exists(resource)) {
      return List.of();
    }
    List<Bar> bars = new ArrayList<>();
    String[] lines = read(resource).split("\n");
    for (int i = 0; i < Math.min(BAR_LINES, lines.length); i++) {
      String[] f = lines[i].trim().split("\\s+");
      if (f.length < 3) {
        continue;
      }
      long start = Long.parseUnsignedLong(f[0].substring(2), 16);
      long end = Long.parseUnsignedLong(f[1].substring(2), 16);
      long flags = Long.parseUnsignedLong(f[2].substring(2), 16);
      if (start == 0 && end == 0) {
        continue;
      }
      boolean mem = (flags & Bar.IORESOURCE_MEM) != 0;
      bars.add(new Bar(i, end - start + 1, mem, mem && (flags & Bar.IORESOURCE_MEM_64) != 0,
          mem && (flags & Bar.IORESOURCE_PREFETCH) != 0));
    }
    return bars;
  }

  private static Optional<String> linkName(Path link) {
    if (!Files.exists(link)) {
      return Optional.empty();
    }
    try {
      Path target = Files.isSymbolicLink(link) ? Files.readSymbolicLink(link) : link.toRealPath();
      return Optional.of(target.getFileName().toString());
    } catch (IOException e) {
      throw new PciSysfsException("cannot read link " + link + ": " + e.getMessage(), e);
    }
  }

  static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new PciSysfsException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }
}
