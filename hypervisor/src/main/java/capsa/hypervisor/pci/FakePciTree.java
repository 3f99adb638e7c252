package capsa.hypervisor.pci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a sysfs-shaped tree of PCI functions and IOMMU groups in a scratch directory, for tests and dry runs of
 * {@link PciSysfs}, {@link VfioBinder} and {@link GpuListing}. {@link #kernel()} plays the kernel's part for writes
 * to {@code driver_override}, {@code unbind} and {@code drivers_probe}. Refuses to build under {@code /sys}.
 *
 * <p>Threading: single-threaded builder.
 */
public final class FakePciTree {

  /** Where the default (host) driver of a fake function is kept; real sysfs has no such file. */
  static final String DEFAULT_DRIVER_FILE = ".fake_default_driver";

  private final Path root;

  private FakePciTree(Path root) {
    this.root = root;
  }

  public static FakePciTree at(Path root) {
    if (root.toAbsolutePath().normalize().startsWith("/sys")) {
      throw new IllegalArgumentException("a fake PCI tree never goes under /sys: " + root);
    }
    FakePciTree t = new FakePciTree(root);
    t.mkdirs(root.resolve("bus/pci/devices"));
    t.mkdirs(root.resolve("bus/pci/drivers"));
    t.mkdirs(root.resolve("kernel/iommu_groups"));
    t.write(root.resolve("bus/pci/drivers_probe"), "");
    return t;
  }

  public Path root() {
    return root;
  }

  public PciSysfs sysfs() {
    return new PciSysfs(root);
  }

  /** Starts a function at {@code bdf}; defaults: a PCIe NVIDIA-like 3D controller, no driver, NUMA node -1. */
  public FunctionBuilder function(String bdf) {
    return new FunctionBuilder(PciAddress.parse(bdf));
  }

  /** One fake function being described. */
  public final class FunctionBuilder {
    private final PciAddress address;
    private int vendor = 0x10de;
    private int device = 0x2330;
    private int classCode = 0x030200;
    private String driver;
    private String defaultDriver;
    private Integer group;
    private int numa = -1;
    private boolean pcie = true;
    private final List<String> resource = new ArrayList<>();

    private FunctionBuilder(PciAddress address) {
      this.address = address;
      for (int i = 0; i < 13; i++) {
        resource.add("0x0000000000000000 0x0000000000000000 0x0000000000000000");
      }
    }

    public FunctionBuilder ids(int vendorId, int deviceId) {
      vendor = vendorId;
      device = deviceId;
      return this;
    }

    public FunctionBuilder classCode(int v) {
      classCode = v;
      return this;
    }

    /** Currently bound driver (also the host driver {@code drivers_probe} picks unless told otherwise). */
    public FunctionBuilder driver(String v) {
      driver = v;
      if (defaultDriver == null && !PciFunction.VFIO_DRIVER.equals(v)) {
        defaultDriver = v;
      }
      return this;
    }

    /** The driver the fake kernel binds on probe when no override is set. */
    public FunctionBuilder hostDriver(String v) {
      defaultDriver = v;
      return this;
    }

    public FunctionBuilder group(int v) {
      group = v;
      return this;
    }

    public FunctionBuilder numa(int v) {
      numa = v;
      return this;
    }

    public FunctionBuilder pcie(boolean v) {
      pcie = v;
      return this;
    }

    /** A memory BAR at {@code index} of {@code size} bytes, placed at a made-up address. */
    public FunctionBuilder bar(int index, long size, boolean is64, boolean prefetchable) {
      long start = 0x1000000000L * (index + 1);
      long flags = Bar.IORESOURCE_MEM | (is64 ? Bar.IORESOURCE_MEM_64 : 0) | (prefetchable ? Bar.IORESOURCE_PREFETCH
          : 0);
      resource.set(index, String.format("0x%016x 0x%016x 0x%016x", start, start + size - 1, flags));
      return this;
    }

    /** An I/O port BAR. */
    public FunctionBuilder ioBar(int index, long size) {
      resource.set(index, String.format("0x%016x 0x%016x 0x%016x", 0x1000L, 0x1000L + size - 1, Bar.IORESOURCE_IO));
      return this;
    }

    public FakePciTree add() {
      Path dir = mkdirs(root.resolve("bus/pci/devices").resolve(address.toString()));
      write(dir.resolve("vendor"), String.format("0x%04x\n", vendor));
      write(dir.resolve("device"), String.format("0x%04x\n", device));
      write(dir.resolve("class"), String.format("0x%06x\n", classCode));
      write(dir.resolve("numa_node"), numa + "\n");
      write(dir.resolve("config"), "x".repeat(pcie ? 4096 : 256));
      write(dir.resolve("resource"), String.join("\n", resource) + "\n");
      write(dir.resolve("driver_override"), "(null)\n");
      if (defaultDriver != null) {
        write(dir.resolve(DEFAULT_DRIVER_FILE), defaultDriver);
      }
      if (driver != null) {
        linkDriver(dir, driver);
      }
      if (group != null) {
        Path g = mkdirs(root.resolve("kernel/iommu_groups").resolve(group.toString()).resolve("devices"));
        symlink(dir.resolve("iommu_group"), g.getParent());
        symlink(g.resolve(address.toString()), dir);
      }
      return FakePciTree.this;
    }
  }

  /**
   * A writer that acts like the kernel on this tree: stores {@code driver_override}, drops the driver link on
   * {@code unbind}, and on {@code drivers_probe} binds an unbound function to its override or its host driver.
   *
   * @param vfioModuleLoaded false: probing for vfio-pci binds nothing, as when the module is missing
   */
  public SysfsWriter kernel(boolean vfioModuleLoaded) {
    return (attribute, value) -> {
      String name = attribute.getFileName().toString();
      String v = value.strip();
      if (name.equals("driver_override")) {
        Files.writeString(attribute, (v.isEmpty() ? "(null)" : v) + "\n");
      } else if (name.equals("unbind")) {
        Files.deleteIfExists(root.resolve("bus/pci/devices").resolve(v).resolve("driver"));
      } else if (name.equals("drivers_probe")) {
        Path dir = root.resolve("bus/pci/devices").resolve(v);
        if (Files.exists(dir.resolve("driver"), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          return;
        }
        String override = Files.readString(dir.resolve("driver_override")).strip();
        Path dflt = dir.resolve(DEFAULT_DRIVER_FILE);
        String pick = !override.equals("(null)") ? override : Files.exists(dflt) ? Files.readString(dflt) : null;
        if (pick != null && (vfioModuleLoaded || !pick.equals(PciFunction.VFIO_DRIVER))) {
          linkDriver(dir, pick);
        }
      } else {
        throw new IOException("fake kernel: unexpected write of '" + v + "' to " + attribute);
      }
    };
  }

  /** What was last written to a function's {@code driver_override} ({@code (null)} when clear). */
  public String driverOverride(String bdf) {
    return PciSysfs.read(root.resolve("bus/pci/devices").resolve(bdf).resolve("driver_override")).strip();
  }

  private void linkDriver(Path dir, String driver) {
    Path d = mkdirs(root.resolve("bus/pci/drivers").resolve(driver));
    symlink(dir.resolve("driver"), d);
  }

  private Path mkdirs(Path p) {
    try {
      return Files.createDirectories(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void write(Path p, String s) {
    try {
      Files.writeString(p, s, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void symlink(Path link, Path target) {
    try {
      Files.createSymbolicLink(link, link.getParent().relativize(target));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
