/**
 * The {@code containerd.task.v2.Task} service (also served as v3): {@link capsa.shim.task.TaskService} holds thin
 * handlers that convert requests into records ({@link capsa.shim.task.TaskRequests}), call the daemon's one
 * sandbox through {@link capsa.shim.task.SandboxHost}, and convert results back; {@link capsa.shim.task.TaskErrors}
 * maps every failure to its status code in one place.
 *
 * <p>Threading: handlers run on the ttrpc handler executor and never block it: each replies when its future
 * completes (Wait may take hours and occupies no thread).
 */
package capsa.shim.task;
