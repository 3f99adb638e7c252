/**
 * Diagnostics that run inside the guest next to the agent, never on a host: {@link VsockLoopbackProbe} is a ttrpc
 * client that reaches the agent over AF_VSOCK CID 1 (vsock_loopback), proving the vsock listener end to end without
 * vhost-vsock on the host. Threading: a plain main thread plus one Netty event loop it owns and shuts down.
 */
package capsa.agent.probe;
