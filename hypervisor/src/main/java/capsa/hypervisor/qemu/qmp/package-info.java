/**
 * QMP client on Netty: {@link capsa.hypervisor.qemu.qmp.QmpClient} (greeting, capabilities, id-correlated commands,
 * events), one record per command in {@link capsa.hypervisor.qemu.qmp.QmpCommands}, and the typed failures
 * ({@link capsa.hypervisor.qemu.qmp.QmpException} carries QEMU's class and desc).
 *
 * <p>Threading: I/O, reply completion and event listeners run on the channel's event loop (never block there);
 * commands can be sent from any thread.
 */
package capsa.hypervisor.qemu.qmp;
