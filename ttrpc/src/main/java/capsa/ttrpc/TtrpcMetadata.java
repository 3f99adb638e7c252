package capsa.ttrpc;

import capsa.proto.ttrpc.KeyValue;
import io.grpc.Context;
import io.grpc.Metadata;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The metadata of one ttrpc call: lower-case keys, each with one or more string values, in arrival order.
 *
 * <p>On the server the handler sees it twice: as {@link #CURRENT} in {@link Context#current()}, and as the
 * grpc {@link Metadata} headers given to {@code startCall}, so standard {@code ServerInterceptor}s work.
 * Keys that grpc cannot represent (characters outside {@code [a-z0-9-_.]}) are kept here but left out of
 * the grpc headers. Values of {@code -bin} keys cross the string-only ttrpc wire as base64, the way gRPC
 * over HTTP/2 carries them.
 */
public final class TtrpcMetadata {

  /** The current call's metadata; empty outside a ttrpc call. */
  public static final Context.Key<TtrpcMetadata> CURRENT =
      Context.keyWithDefault("capsa-ttrpc-metadata", new TtrpcMetadata(Map.of()));

  private static final Pattern GRPC_KEY = Pattern.compile("[a-z0-9_.\\-]+");

  private final Map<String, List<String>> values;

  private TtrpcMetadata(Map<String, List<String>> values) {
    this.values = values;
  }

  /** The metadata of the call being served on this thread (via {@link Context#current()}). */
  public static TtrpcMetadata current() {
    return CURRENT.get();
  }

  /** Groups wire key/values, lower-casing keys. */
  public static TtrpcMetadata fromKeyValues(List<KeyValue> keyValues) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (KeyValue kv : keyValues) {
      map.computeIfAbsent(kv.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(kv.getValue());
    }
    return freeze(map);
  }

  /** Reads grpc headers; binary values are base64-encoded. */
  public static TtrpcMetadata fromGrpc(Metadata headers) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (String key : headers.keys()) {
      List<String> list = map.computeIfAbsent(key, k -> new ArrayList<>());
      if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        Iterable<byte[]> all = headers.getAll(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER));
        if (all != null) {
          all.forEach(v -> list.add(Base64.getEncoder().encodeToString(v)));
        }
      } else {
        Iterable<String> all = headers.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
        if (all != null) {
          all.forEach(list::add);
        }
      }
    }
    return freeze(map);
  }

  private static TtrpcMetadata freeze(Map<String, List<String>> map) {
    Map<String, List<String>> frozen = new LinkedHashMap<>();
    map.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    return new TtrpcMetadata(Collections.unmodifiableMap(frozen));
  }

  /** The first value of {@code key} (case-insensitive). */
  public Optional<String> get(String key) {
    List<String> all = getAll(key);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  /** All values of {@code key} (case-insensitive), possibly empty. */
  public List<String> getAll(String key) {
    return values.getOrDefault(key.toLowerCase(Locale.ROOT), List.of());
  }

  /** All keys and values, unmodifiable. */
  public Map<String, List<String>> asMap() {
    return values;
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** The wire form, one KeyValue per value. */
  public List<KeyValue> toKeyValues() {
    List<KeyValue> out = new ArrayList<>();
    values.forEach(
        (k, vs) -> vs.forEach(v -> out.add(KeyValue.newBuilder().setKey(k).setValue(v).build())));
    return out;
  }

  /** grpc headers for {@code startCall}; keys grpc cannot represent are skipped. */
  public Metadata toGrpc() {
    Metadata headers = new Metadata();
    values.forEach(
        (k, vs) -> {
          if (!GRPC_KEY.matcher(k).matches()) {
            return;
          }
          if (k.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
            Metadata.Key<byte[]> key = Metadata.Key.of(k, Metadata.BINARY_BYTE_MARSHALLER);
            vs.forEach(v -> headers.put(key, decodeBinary(v)));
          } else {
            Metadata.Key<String> key = Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER);
            vs.forEach(v -> headers.put(key, v));
          }
        });
    return headers;
  }

  private static byte[] decodeBinary(String value) {
    try {
      return Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException notBase64) {
      // A non-Capsa peer may send raw text under a -bin key; keep its bytes rather than dropping it.
      return value.getBytes(StandardCharsets.UTF_8);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TtrpcMetadata other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return "TtrpcMetadata" + values;
  }
}
