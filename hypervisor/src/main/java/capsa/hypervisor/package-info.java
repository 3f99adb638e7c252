/**
 * The hypervisor contract: {@link capsa.hypervisor.Hypervisor} boots a {@link capsa.hypervisor.spec.VmSpec} into a
 * running {@link capsa.hypervisor.Vm}; lifecycle states, boot timeline, exit records and the typed exceptions every
 * backend throws. Host-side checks shared by backends live in {@link capsa.hypervisor.HostPreflight}.
 *
 * <p>Threading: {@code Hypervisor.boot} and the {@code Vm} control methods block (bounded by timeouts) and must not be
 * called on a Netty event loop; futures ({@code exit}, {@code connectAgent}) complete on backend threads, so callbacks
 * must not block.
 */
package capsa.hypervisor;
