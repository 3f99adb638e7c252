package capsa.shim.spec;

import capsa.proto.oci.Spec;

/**
 * A spec ready for {@code CreateContainer}.
 *
 * @param spec the rewritten spec
 * @param sandboxPidns the container asked to join an existing pid namespace (the pod's): the agent's sandbox pid
 *     namespace stands in for it
 */
public record GuestSpec(Spec spec, boolean sandboxPidns) {}
