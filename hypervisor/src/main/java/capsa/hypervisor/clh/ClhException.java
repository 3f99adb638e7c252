package capsa.hypervisor.clh;

import capsa.hypervisor.HypervisorException;

/**
 * A Cloud Hypervisor API call on a running VM failed. The cause is the {@link capsa.hypervisor.clh.api.ChApiException}
 * (status and the VMM's error chain), a timeout, or the I/O error.
 */
public final class ClhException extends HypervisorException {
  private static final long serialVersionUID = 1L;

  public ClhException(String message, Throwable cause) {
    super(message, cause);
  }
}
