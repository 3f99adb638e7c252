/**
 * The shim's client of the guest agent ({@code grpc.AgentService} over ttrpc): {@link capsa.shim.agent.GuestAgent}
 * is the typed seam the sandbox uses; {@link capsa.shim.agent.TtrpcGuestAgent} implements it with the generated
 * future stubs on a {@code TtrpcClient} over the VM's agent channel.
 *
 * <p>Threading: every method is asynchronous and returns a future; none blocks the caller. Long polls
 * (WaitProcess, ReadStdout/ReadStderr) carry no deadline: they end when the guest answers or the connection dies.
 */
package capsa.shim.agent;
