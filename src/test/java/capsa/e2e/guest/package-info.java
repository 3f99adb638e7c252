/**
 * The real agent in the real guest: boots the guest image built with capsa-agent (guest/build-agent-image.sh,
 * build/guest-agent) as a microvm under QEMU/TCG, with busybox container rootfs directories on the host shared over
 * 9p, and drives {@code grpc.AgentService} over ttrpc on the virtio-serial channel. Owns the image fixture, the VM
 * fixture and the OCI spec helpers. Threading: tests call blocking stubs from the JUnit thread; Netty's event loops
 * are owned by {@link capsa.e2e.guest.AgentVm} and never blocked.
 */
package capsa.e2e.guest;
