/**
 * The host's PCI devices as sysfs shows them, for VFIO passthrough: functions with their ids, class, driver, IOMMU
 * group, BARs and NUMA node ({@link capsa.hypervisor.pci.PciSysfs}); moving a whole IOMMU group to {@code vfio-pci}
 * and back ({@link capsa.hypervisor.pci.VfioBinder}); the 64-bit MMIO window a set of devices needs
 * ({@link capsa.hypervisor.pci.Mmio64Window}); and the {@code capsa gpu list} table
 * ({@link capsa.hypervisor.pci.GpuListing}).
 *
 * <p>The sysfs root is always a constructor parameter: tests build fake trees and never touch a real device.
 *
 * <p>Threading: every class is either an immutable value or a blocking reader/writer of sysfs files with no shared
 * state; call them off event loops.
 */
package capsa.hypervisor.pci;
