/**
 * Fixtures that run real Go peers for end-to-end tests: a private {@code containerd} ({@link
 * capsa.e2e.support.PrivateContainerd}), a {@code containerd-shim-runc-v2} started the way containerd starts it
 * ({@link capsa.e2e.support.RuncShim}), and {@code ctr} runs and subscriptions. Each fixture is an
 * {@link java.lang.AutoCloseable} that leaves no process, socket, mount or directory behind, also when a test fails
 * half-way.
 *
 * <p>Threading: fixtures are used from one test thread; the only background threads are the daemon readers that drain
 * child-process output.
 */
package capsa.e2e.support;
