package capsa.vsock;

import java.io.IOException;

/**
 * The hybrid vsock {@code CONNECT} handshake failed: the VMM answered something other than {@code OK}, closed the
 * connection, sent data before the host spoke, or did not answer before the attempt's deadline.
 */
public final class HybridVsockHandshakeException extends IOException {
  private static final long serialVersionUID = 1L;

  public HybridVsockHandshakeException(String message) {
    super(message);
  }
}
