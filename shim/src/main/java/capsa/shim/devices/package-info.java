/**
 * Which host VFIO devices a pod asks for and how they reach its VM and agent: {@code /dev/vfio/<group>} entries in
 * the OCI spec's {@code linux.devices} (what device plugins produce), CDI device names in {@code cdi.k8s.io/*}
 * annotations resolved against CDI spec files, and a per-pod GPU count annotation when allowed; groups known at
 * sandbox creation are cold-plugged ({@link capsa.shim.devices.VfioDevices#coldPlan}), later containers' groups
 * hot-plugged; each container's agent {@code Device} entries carry {@code "<host BDF>=<guest PCI path>"} options.
 *
 * <p>Threading: {@link capsa.shim.devices.VfioDevices} is used from the sandbox's lifecycle thread only (one
 * operation at a time); resolvers are stateless and blocking (file reads).
 */
package capsa.shim.devices;
