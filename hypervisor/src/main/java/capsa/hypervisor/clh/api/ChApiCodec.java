package capsa.hypervisor.clh.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns typed calls into HTTP requests and HTTP replies into typed results or {@link ChApiException}. No I/O here,
 * so the exact bytes on the wire can be tested through an {@code EmbeddedChannel}.
 *
 * <p>Requests carry {@code Host: localhost} (the API is served on a Unix socket, the host part is only required by
 * HTTP/1.1) and {@code Accept: *}{@code /*}; bodies are JSON with an explicit length.
 */
public final class ChApiCodec {

  private final ObjectMapper mapper;

  public ChApiCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** A request for {@code endpoint}; {@code body} is serialised to JSON, or left out when null. */
  public FullHttpRequest encode(ChEndpoint endpoint, Object body) {
    ByteBuf content = body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(toJson(body));
    FullHttpRequest request =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, endpoint.method(), endpoint.path(), content);
    request.headers().set("Host", "localhost");
    request.headers().set("Accept", "*/*");
    if (body != null) {
      request.headers().set("Content-Type", "application/json");
      request.headers().set("Content-Length", content.readableBytes());
    }
    return request;
  }

  private byte[] toJson(Object body) {
    try {
      return mapper.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      // Our records always serialise; failing here is a programming error.
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The reply's body as {@code type}, or null for a 2xx without body (204) or when {@code type} is {@link Void}.
   *
   * @throws ChApiException for any non-2xx status
   * @throws IOException when a 2xx body is not the JSON the endpoint promises
   */
  public <T> T decode(ChEndpoint endpoint, FullHttpResponse response, Class<T> type) throws IOException {
    int status = response.status().code();
    byte[] body = ByteBufUtil.getBytes(response.content());
    if (status < 200 || status > 299) {
      throw new ChApiException(endpoint, status, errorChain(body));
    }
    if (type == Void.class || body.length == 0) {
      return null;
    }
    return mapper.readValue(body, type);
  }

  /** The VMM sends errors as a JSON array of strings; anything else is kept verbatim as a single entry. */
  private List<String> errorChain(byte[] body) {
    if (body.length == 0) {
      return List.of();
    }
    try {
      return mapper.readValue(body, new TypeReference<List<String>>() {});
    } catch (IOException notAnArray) {
      return List.of(new String(body, StandardCharsets.UTF_8).strip());
    }
  }
}
