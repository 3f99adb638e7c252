/**
 * The shim binary and its event forwarder against a real private containerd: {@code ctr run} through our launcher,
 * and events through containerd's ttrpc Forward seen by {@code ctr events}, also across a containerd restart.
 *
 * <p>Threading: JUnit's test thread; fixtures own their processes.
 */
package capsa.e2e.shim;
