/**
 * Guest networking (Kata's UpdateInterface, UpdateRoutes, AddARPNeighbors, ListInterfaces, ListRoutes): finds the
 * NIC the host added for each pod interface (by MAC, else by guest PCI path), names it, sets MTU, addresses and
 * flags, brings it up, and replays the pod's routes and static neighbours.
 *
 * <p>Everything is done with the guest image's busybox {@code ip} and {@code arp} run through a
 * {@link capsa.agent.network.NetCommands} (so the agent needs no netlink code); their text output is parsed by
 * {@link capsa.agent.network.IpOutput}. The domain works on the {@code types.*} protobuf messages directly: they are
 * plain data and exactly what goes back on the wire.
 *
 * <p>Threading: blocking (waits for child processes); called from the RPC handler threads. Calls are serialized by
 * {@link capsa.agent.network.NetworkService} so two updates never interleave their steps.
 */
package capsa.agent.network;
