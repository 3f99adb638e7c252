package capsa.hypervisor.pci;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@code capsa gpu list} table: passthrough candidates (display controllers, and anything already bound to
 * vfio-pci) with BDF, ids, class, driver, IOMMU group and its members, BAR sizes, NUMA node, and whether the device is
 * ready for VFIO or why not. Reads sysfs once per {@link #rows()} call.
 */
public final class GpuListing {

  /** One line of the table. */
  public record Row(String bdf, String ids, String classCode, String driver, String iommu, String bars, String numa,
      String vfio) {}

  static final List<String> HEADER = List.of("BDF", "VENDOR:DEVICE", "CLASS", "DRIVER", "IOMMU GROUP (MEMBERS)",
      "BARS", "NUMA", "VFIO");

  private final PciSysfs sysfs;
  private final boolean all;

  /**
   * @param all list every non-bridge function, not only display controllers and vfio-bound ones
   */
  public GpuListing(PciSysfs sysfs, boolean all) {
    this.sysfs = sysfs;
    this.all = all;
  }

  public List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (PciFunction f : sysfs.all()) {
      if (f.isBridge() || !(all || f.isDisplay() || f.boundToVfio())) {
        continue;
      }
      Optional<IommuGroup> group = f.iommuGroup().isPresent()
          ? Optional.of(sysfs.group(f.iommuGroup().getAsInt())) : Optional.empty();
      rows.add(new Row(f.address().toString(), f.ids(), f.classText(), f.driver().orElse("-"), iommu(group),
          f.bars().isEmpty() ? "-" : f.bars().stream().map(Bar::toString).collect(Collectors.joining(" ")),
          f.numaNode().isPresent() ? Integer.toString(f.numaNode().getAsInt()) : "-", readiness(group)));
    }
    return rows;
  }

  private static String iommu(Optional<IommuGroup> group) {
    if (group.isEmpty()) {
      return "-";
    }
    IommuGroup g = group.get();
    String members = g.members().stream().map(m -> m.address().toString()).collect(Collectors.joining(","));
    return g.number() + " (" + members + (g.bridges().isEmpty() ? "" : "; bridges "
        + g.bridges().stream().map(m -> m.address().toString()).collect(Collectors.joining(","))) + ")";
  }

  private static String readiness(Optional<IommuGroup> group) {
    if (group.isEmpty()) {
      return "no: no IOMMU group (enable intel_iommu=on or amd_iommu=on)";
    }
    return group.get().notReadyReason().map(r -> "no: " + r).orElse("ready " + group.get().devicePath());
  }

  /** The table as text, columns padded to their widest cell. */
  public String render() {
    List<List<String>> cells = new ArrayList<>();
    cells.add(HEADER);
    for (Row r : rows()) {
      cells.add(List.of(r.bdf(), r.ids(), r.classCode(), r.driver(), r.iommu(), r.bars(), r.numa(), r.vfio()));
    }
    int[] width = new int[HEADER.size()];
    for (List<String> line : cells) {
      for (int i = 0; i < line.size(); i++) {
        width[i] = Math.max(width[i], line.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (List<String> line : cells) {
      StringBuilder l = new StringBuilder();
      for (int i = 0; i < line.size(); i++) {
        l.append(i == line.size() - 1 ? line.get(i) : String.format("%-" + width[i] + "s  ", line.get(i)));
      }
      sb.append(l.toString().stripTrailing()).append('\n');
    }
    if (cells.size() == 1) {
      sb.append("(no GPUs or vfio-pci devices under ").append(sysfs.root()).append(")\n");
    }
    return sb.toString();
  }
}
