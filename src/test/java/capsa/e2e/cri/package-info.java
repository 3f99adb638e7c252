/**
 * The CRI side of the end-to-end harness: a client for our {@code runtime.v1} subset ({@link capsa.e2e.cri.CriClient},
 * generated stubs in {@code capsa.e2e.cri.v1} from {@code src/test/proto}), the pod and container configs kubelet
 * would send ({@link capsa.e2e.cri.CriSpecs}), and {@link capsa.e2e.cri.CriHarness}: a private containerd with its
 * CRI plugin, runtime handlers and images, torn down without leftovers.
 *
 * <p>Threading: the client is blocking (grpc blocking stubs on an epoll event-loop group the harness owns); fixtures
 * are driven from the test thread. Waiting for a container exit or a log line polls, because containerd 1.6's CRI has
 * no event to wait on.
 */
package capsa.e2e.cri;
