package capsa.proto;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Writes expected wire bytes in the reference documents' notation: hex digits (spaces ignored)
 * mixed with "quoted ASCII", e.g. {@code 0a17 "containerd.task.v2.Task" 1207 "Connect"}.
 */
public final class GoldenBytes {

  private GoldenBytes() {}

  public static byte[] parse(String notation) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringBuilder hex = new StringBuilder();
    int i = 0;
    while (i < notation.length()) {
      char c = notation.charAt(i);
      if (c == '"') {
        int end = notation.indexOf('"', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("Unclosed quote at " + i + ".");
        }
        flushHex(hex, out);
        out.writeBytes(notation.substring(i + 1, end).getBytes(StandardCharsets.US_ASCII));
        i = end + 1;
      } else {
        if (!Character.isWhitespace(c) && c != '|') {
          hex.append(c);
        }
        i++;
      }
    }
    flushHex(hex, out);
    return out.toByteArray();
  }

  /** The 10-byte ttrpc frame header: length u32 BE, stream id u32 BE, type, flags. */
  public static byte[] ttrpcHeader(int length, int streamId, int type, int flags) {
    return ByteBuffer.allocate(10)
        .putInt(length).putInt(streamId).put((byte) type).put((byte) flags).array();
  }

  public static byte[] concat(byte[] first, byte[] second) {
    byte[] all = new byte[first.length + second.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }

  private static void flushHex(StringBuilder hex, ByteArrayOutputStream out) {
    out.writeBytes(HexFormat.of().parseHex(hex));
    hex.setLength(0);
  }
}
