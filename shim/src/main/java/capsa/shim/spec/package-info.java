/**
 * The OCI spec on its way into the guest: {@link capsa.shim.spec.OciSpecReader} turns containerd's
 * {@code config.json} (and the exec Process / Update resources JSON) into the agent's protobuf {@code Spec};
 * {@link capsa.shim.spec.GuestSpecRewriter} applies the rewrites a VM needs (guest rootfs path, no hooks, no host
 * namespace paths, ...). Pure functions over immutable values; thread-safe.
 */
package capsa.shim.spec;
