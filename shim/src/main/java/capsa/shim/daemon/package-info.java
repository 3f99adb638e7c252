/**
 * The long-lived shim daemon ({@code serve}): its composition root {@link capsa.shim.daemon.ShimDaemon}, the
 * {@link capsa.shim.daemon.ShutdownService} every component registers its clean-up with, logging into the
 * bundle's {@code log} FIFO, serving one Task implementation under both {@code containerd.task.v2.Task} and
 * {@code containerd.task.v3.Task}, and the {@link capsa.shim.daemon.TaskServiceFactory} seam where the Task service
 * plugs in (capsa.shim.task.CapsaTaskServiceFactory; {@link capsa.shim.daemon.PlaceholderTaskService} remains for tests).
 *
 * <p>Threading: the main thread starts the daemon and then only waits for shutdown; ttrpc I/O runs on the epoll
 * event loop, handlers on the transport's handler pool, blocking work on the blocking executor, log writes and
 * event delivery on one dedicated thread each. No static mutable state.
 */
package capsa.shim.daemon;
