package capsa.proto.util;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.nio.charset.StandardCharsets;

/**
 * Packs and unpacks {@code google.protobuf.Any} the way containerd expects: with bare type URLs.
 * Use this instead of {@code Any.pack}, which adds {@code type.googleapis.com/} (rejected by
 * containerd 1.6's event exchange) — see {@link TypeUrls}.
 */
public final class AnyCodec {

  private AnyCodec() {}

  /** {@code message} in an Any whose type URL is its bare full name. */
  public static Any pack(Message message) {
    return of(TypeUrls.of(message.getDescriptorForType()), message.toByteString());
  }

  /** An Any with an explicit URL, e.g. for the JSON payloads named in {@link TypeUrls}. */
  public static Any of(String typeUrl, ByteString value) {
    return Any.newBuilder().setTypeUrl(typeUrl).setValue(value).build();
  }

  /** A JSON document (UTF-8) under a containerd type URL such as {@link TypeUrls#OCI_PROCESS}. */
  public static Any json(String typeUrl, String json) {
    return of(typeUrl, ByteString.copyFrom(json, StandardCharsets.UTF_8));
  }

  /** Whether {@code any} holds {@code type}; accepts bare and prefixed URLs alike. */
  public static boolean holds(Any any, Descriptor type) {
    return TypeUrls.messageName(any.getTypeUrl()).equals(type.getFullName());
  }

  /**
   * Decodes {@code any} as the type of {@code prototype} (pass {@code X.getDefaultInstance()}).
   *
   * @throws UnexpectedTypeUrlException if the Any holds another type
   * @throws InvalidProtocolBufferException if the value does not parse
   */
  @SuppressWarnings("unchecked") // a message's parser yields that message's own type
  public static <T extends Message> T unpack(Any any, T prototype)
      throws InvalidProtocolBufferException {
    Descriptor type = prototype.getDescriptorForType();
    if (!holds(any, type)) {
      throw new UnexpectedTypeUrlException(TypeUrls.of(type), any.getTypeUrl());
    }
    return (T) prototype.getParserForType().parseFrom(any.getValue());
  }

  /**
   * The JSON text of an Any whose URL must equal {@code typeUrl} exactly (containerd's JSON URLs
   * are not proto names, so there is no prefix to tolerate).
   */
  public static String unpackJson(Any any, String typeUrl) throws UnexpectedTypeUrlException {
    if (!any.getTypeUrl().equals(typeUrl)) {
      throw new UnexpectedTypeUrlException(typeUrl, any.getTypeUrl());
    }
    return any.getValue().toStringUtf8();
  }
}
