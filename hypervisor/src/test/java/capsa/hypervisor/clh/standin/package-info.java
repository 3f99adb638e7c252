/**
 * A stand-in Cloud Hypervisor for tests on machines without KVM: {@link
 * capsa.hypervisor.clh.standin.StandInCloudHypervisor} serves the REST API on a Unix socket and checks every request
 * against what the reference says the real VMM accepts (methods, required fields, the VM state machine, status codes,
 * JSON error chains); {@link capsa.hypervisor.clh.standin.StandInCloudHypervisorMain} runs it as a separate process
 * with the real binary's {@code --api-socket} flag so process handling is exercised for real. It boots nothing.
 *
 * <p>Threading: requests are handled on the server's event loop; {@link capsa.hypervisor.clh.standin.StandInVmm} is
 * synchronised so tests can read its recorded calls from their own thread.
 */
package capsa.hypervisor.clh.standin;
