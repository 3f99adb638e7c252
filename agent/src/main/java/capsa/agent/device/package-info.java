/**
 * Devices the runtime hands to a container in {@code CreateContainer.devices}: VFIO PCI functions, in Kata's two
 * modes. {@code vfio-pci-gk} (guest kernel drives the device): wait until the function appears at its guest PCI path.
 * {@code vfio-pci}: also bind it to the guest's vfio-pci and put {@code /dev/vfio/<guest group>} into the container.
 * Host BDFs in {@code PCIDEVICE_*} environment variables are rewritten to the guest's.
 *
 * <p>Threading: called on the RPC thread of CreateContainer; blocking, bounded by the hot-plug timeout.
 */
package capsa.agent.device;
