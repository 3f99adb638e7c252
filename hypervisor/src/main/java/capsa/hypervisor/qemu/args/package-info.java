/**
 * QEMU command-line items, one record per {@code -device}/{@code -chardev}/{@code -object}-style option, grouped by
 * concern ({@link capsa.hypervisor.qemu.args.MachineArgs}, {@link capsa.hypervisor.qemu.args.ChardevArgs},
 * {@link capsa.hypervisor.qemu.args.DeviceArgs}); {@link capsa.hypervisor.qemu.args.QemuOpts} escapes values.
 *
 * <p>Threading: immutable values.
 */
package capsa.hypervisor.qemu.args;
