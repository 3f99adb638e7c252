/**
 * capsa-agent, the in-guest agent: {@link capsa.agent.Main} (entry point), {@link capsa.agent.AgentRuntime}
 * (composition root), {@link capsa.agent.AgentConfig} (knobs), {@link capsa.agent.GuestPaths} (Kata guest layout)
 * and the {@link capsa.agent.AgentException} classes that the RPC layer maps to status codes.
 *
 * <p>Threading: the main thread only wires and then parks; see each sub-package for its threads.
 */
package capsa.agent;
