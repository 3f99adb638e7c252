/**
 * The QEMU backend: {@link capsa.hypervisor.qemu.QemuHypervisor} validates and launches, {@code QemuCommandLine}
 * renders the spec into {@link capsa.hypervisor.qemu.args} items, {@code QemuVm} owns one running process (QMP
 * connection, exit watcher, cleanup), {@code QemuHotplug} plugs devices onto q35 root ports and
 * {@code PciPathResolver} finds their guest PCI path with {@code qom-get}.
 *
 * <p>Threading: boot and control calls block their caller (bounded by {@link capsa.hypervisor.qemu.QemuConfig}
 * timeouts) and must not run on an event loop; QMP I/O runs on the event loop group passed in. The exit watcher is one
 * daemon thread per VM blocked in {@code Process.waitFor()}.
 */
package capsa.hypervisor.qemu;
