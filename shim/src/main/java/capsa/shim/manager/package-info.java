/**
 * The shim binary contract with containerd: the command line ({@link capsa.shim.manager.ShimFlagsParser}),
 * {@code start} ({@link capsa.shim.manager.StartCommand}: stdin disambiguation, grouping, socket address, group
 * lock, spawning the detached daemon, the address file and reply), {@code delete}
 * ({@link capsa.shim.manager.DeleteCommand}), {@code -info} and {@code -v}; and the sweep of a dead daemon's sandbox
(its QEMU, mounts and state under {@link capsa.shim.manager.RunRoot}) that {@code delete} and {@code start} run. Nothing here touches the Task service;
 * the daemon reads back what start hands it through {@link capsa.shim.manager.DaemonSpec}.
 *
 * <p>Threading: code run once on the main thread of a short-lived {@code start}/{@code delete} process (the one
 * exception: {@code BlockingTtrpcCall} reads its reply on a helper thread to bound the wait). Nothing here logs:
 * stdout and stderr are the protocol channel to containerd.
 */
package capsa.shim.manager;
