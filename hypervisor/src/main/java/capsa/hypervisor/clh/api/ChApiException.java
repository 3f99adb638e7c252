package capsa.hypervisor.clh.api;

import java.io.IOException;
import java.util.List;

/**
 * Cloud Hypervisor answered a request with a non-2xx status. {@link #errorChain()} holds the VMM's error chain (its
 * body is a JSON array of strings, outermost context first); the message joins them so logs show the whole cause.
 */
public final class ChApiException extends IOException {

  private final ChEndpoint endpoint;
  private final int status;
  private final List<String> errorChain;

  public ChApiException(ChEndpoint endpoint, int status, List<String> errorChain) {
    super(message(endpoint, status, errorChain));
    this.endpoint = endpoint;
    this.status = status;
    this.errorChain = List.copyOf(errorChain);
  }

  private static String message(ChEndpoint endpoint, int status, List<String> chain) {
    String head = "Cloud Hypervisor rejected " + endpoint.endpointName() + " with HTTP " + status;
    return chain.isEmpty() ? head : head + ": " + String.join(": ", chain);
  }

  public ChEndpoint endpoint() {
    return endpoint;
  }

  /** The HTTP status code, e.g. 404 when no VM exists, 405 for a call in the wrong state. */
  public int status() {
    return status;
  }

  /** The VMM's error chain, outermost first; empty when the body was not a JSON array of strings. */
  public List<String> errorChain() {
    return errorChain;
  }
}
