/**
 * The agent API served over ttrpc: {@link capsa.agent.rpc.AgentServiceHandler} ({@code grpc.AgentService}) and
 * {@link capsa.agent.rpc.HealthHandler} ({@code grpc.Health}) — thin handlers that convert requests to records, call
 * one domain method and map errors once ({@link capsa.agent.rpc.RpcErrors}).
 *
 * <p>Threading: handlers run on the ttrpc handler executor and may block (runc); long polls (WaitProcess,
 * ReadStdout/ReadStderr, GetOOMEvent) return without holding a thread and answer when their future completes.
 */
package capsa.agent.rpc;
