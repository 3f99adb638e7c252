/**
 * Fixtures that run real Go peers for end-to-end tests: a private {@code containerd} ({@link
 * capsa.e2e.support.PrivateContainerd}), a {@code containerd-shim-runc-v2} started the way containerd starts it
 * ({@link capsa.e2e.support.RuncShim}), and {@code ctr} runs and subscriptions. For the CRI and {@code ctr run}
 * harness: the containerd config with CRI handlers ({@link capsa.e2e.support.ContainerdConfig},
 * {@link capsa.e2e.support.CriPlugin}, {@link capsa.e2e.support.RuntimeHandler}), the offline busybox and pause
 * images ({@link capsa.e2e.support.BusyboxImage}) and {@link capsa.e2e.support.Ctr}. Each fixture is an
 * {@link java.lang.AutoCloseable} that leaves no process, socket, mount or directory behind, also when a test fails
 * half-way.
 *
 * <p>Threading: fixtures are used from one test thread; the only background threads are the daemon readers that drain
 * child-process output.
 */
package capsa.e2e.support;
