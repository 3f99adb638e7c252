package capsa.proto.agent;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds expected protobuf encodings by hand, piece by piece, so a golden-byte test reads as
 * "tag, length, value" instead of one opaque hex blob.
 */
final class WireBytes {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  static WireBytes wire() {
    return new WireBytes();
  }

  /** Appends raw bytes written as space-separated hex pairs, e.g. {@code "0a 02"}. */
  WireBytes hex(String pairs) {
    for (String pair : pairs.trim().split("\\s+")) {
      out.write(Integer.parseInt(pair, 16));
    }
    return this;
  }

  /** Appends the ASCII bytes of a string payload. */
  WireBytes ascii(String text) {
    out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    return this;
  }

  /** Appends an already-built nested message. */
  WireBytes bytes(WireBytes nested) {
    out.writeBytes(nested.toByteArray());
    return this;
  }

  int size() {
    return out.size();
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }
}
