/**
 * Host mounts for container root file systems: containerd's rootfs mounts onto {@code <bundle>/rootfs}, and the
 * per-sandbox share directory exported to the VM over 9p, into which each container's rootfs (and its bind
 * volumes) are bind-mounted. {@link capsa.shim.rootfs.Mounter} is the seam ({@link capsa.shim.rootfs.LinuxMounter}
 * calls mount(2)/umount2(2)); {@link capsa.shim.rootfs.SandboxShare} owns one share directory.
 *
 * <p>Threading: blocking system calls; call from the sandbox's lifecycle thread, never from an event loop.
 */
package capsa.shim.rootfs;
