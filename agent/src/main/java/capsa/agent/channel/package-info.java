/**
 * How the host reaches the agent: AF_VSOCK port 1024 ({@link capsa.agent.channel.VsockListener}) and the
 * virtio-serial port {@code agent.channel.0} with the guest-speaks-first ready line ({@link
 * capsa.agent.channel.VirtioSerialServer}); both bridge a raw descriptor into a Netty channel served by the ttrpc
 * server.
 *
 * <p>Threading: one accept/loop thread per listener and two daemon pump threads per connection; all blocking. Netty
 * event loops only see the socketpair end.
 */
package capsa.agent.channel;
