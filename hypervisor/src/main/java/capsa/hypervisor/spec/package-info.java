/**
 * The backend-neutral VM description: {@link capsa.hypervisor.spec.VmSpec} and the typed records it is made of
 * (sizes, boot source, shared filesystem, devices). Immutable values that validate themselves on construction; no I/O.
 *
 * <p>Threading: immutable, safe to share.
 */
package capsa.hypervisor.spec;
