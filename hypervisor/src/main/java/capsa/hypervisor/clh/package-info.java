/**
 * The Cloud Hypervisor backend of {@link capsa.hypervisor.Hypervisor}: launches {@code cloud-hypervisor --api-socket
 * <path>}, waits for {@code vmm.ping}, creates the VM from a {@link capsa.hypervisor.spec.VmSpec} ({@code vm.create},
 * then {@code vm.add-net} per NIC, then {@code vm.boot}), and drives the running VM through the REST API
 * ({@link capsa.hypervisor.clh.api}). The agent is reached over hybrid vsock on {@code <runtimeDir>/clh.sock}.
 *
 * <p>Threading: {@link capsa.hypervisor.clh.CloudHypervisor#boot} and the control methods of the returned VM block
 * until the VMM answers; call them from a blocking executor, never from a Netty event loop. API I/O runs on the event
 * loop group given to the backend; process-exit handling runs on the JDK's process reaper callbacks.
 */
package capsa.hypervisor.clh;
