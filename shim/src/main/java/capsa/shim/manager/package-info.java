/**
 * The shim binary contract with containerd: the {@code start}/{@code delete} command line, the socket address the
 * shim listens on, the bootstrap reply and detaching the long-lived server. Nothing here touches the Task service.
 *
 * <p>Threading: plain value classes and code run once on the main thread of a short-lived {@code start}/{@code delete}
 * process; no shared mutable state.
 */
package capsa.shim.manager;
