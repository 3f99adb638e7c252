/**
 * Interop tests of Capsa's ttrpc stack and containerd protos against real Go peers: {@code containerd-shim-runc-v2}
 * (our client, their server), {@code containerd}'s event service (our client, their server) and {@code ctr shim}
 * (their client, our server). They fail, never skip, when the Go binaries are missing.
 *
 * <p>Threading: tests run on the JUnit thread; stub services run on the ttrpc handler executor.
 */
package capsa.e2e.interop;
