/**
 * The sandbox (one per VM): CreateSandbox/DestroySandbox, the shared pid namespace holder, and guest resources
 * (memory block size, onlining hot-plugged CPUs and memory).
 *
 * <p>Threading: blocking; sandbox state is guarded by the {@link capsa.agent.sandbox.Sandbox} monitor.
 */
package capsa.agent.sandbox;
