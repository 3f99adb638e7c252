/**
 * Agent channels: how the host gets a byte stream to the agent inside a VM, as a Netty {@link io.netty.channel.Channel}
 * handed to the ttrpc client. {@link capsa.vsock.AgentEndpoint} says where the agent is; one
 * {@link capsa.vsock.AgentConnector} per endpoint kind makes one attempt; the dialer retries until a deadline.
 *
 * <p>Threading: connectors run on the Netty event loop they are given; futures complete on that loop, so callers must
 * not block in their callbacks.
 */
package capsa.vsock;
