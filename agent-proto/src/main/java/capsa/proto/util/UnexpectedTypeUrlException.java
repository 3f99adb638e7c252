package capsa.proto.util;

import com.google.protobuf.InvalidProtocolBufferException;

/**
 * An {@code Any} held a different type than the caller asked for. A subtype of the protobuf decode
 * exception so that callers map every "bad payload" case to one status code.
 */
public final class UnexpectedTypeUrlException extends InvalidProtocolBufferException {
  private static final long serialVersionUID = 1L;

  private final String expected;
  private final String actual;

  public UnexpectedTypeUrlException(String expected, String actual) {
    super("Any holds \"" + actual + "\", expected \"" + expected + "\".");
    this.expected = expected;
    this.actual = actual;
  }

  public String expected() {
    return expected;
  }

  public String actual() {
    return actual;
  }
}
