/**
 * Pod networking on the host (Kata's {@code tcfilter} model): reads the pod network namespace named in the OCI
 * spec, puts a tap device next to every CNI interface in it, mirrors traffic between the two with an ingress qdisc
 * and a {@code mirred egress redirect} filter each way, and describes the interfaces, routes and neighbours for the
 * guest agent. {@link capsa.shim.network.SandboxNetwork} owns what it created and removes it on close.
 *
 * <p>All changes go through iproute2 ({@code ip}, {@code tc}) run inside the namespace with {@code nsenter}, via
 * one {@link capsa.shim.network.NetnsTools}; nothing here touches the host's own namespace.
 *
 * <p>Threading: blocking (processes are run and waited for); call from the sandbox's blocking executor, never from
 * an event loop. A {@link capsa.shim.network.SandboxNetwork} is used by one thread at a time.
 */
package capsa.shim.network;
