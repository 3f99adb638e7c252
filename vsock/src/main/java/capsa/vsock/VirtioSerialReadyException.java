package capsa.vsock;

import java.io.IOException;

/**
 * No valid ready line on a virtio-serial agent channel: the guest sent something else, the connection closed, or the
 * attempt's deadline passed first.
 */
public final class VirtioSerialReadyException extends IOException {
  private static final long serialVersionUID = 1L;

  public VirtioSerialReadyException(String message) {
    super(message);
  }
}
