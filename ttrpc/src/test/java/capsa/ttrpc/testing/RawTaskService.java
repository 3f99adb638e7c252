package capsa.ttrpc.testing;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;

/**
 * A hand-written stand-in for {@code containerd.task.v2.Task} with just {@code Connect}, on raw bytes,
 * so golden-byte tests can use the reference test vectors without the real task protos: it answers
 * {@code ConnectRequest{id="c1"}} with {@code ConnectResponse{shim_pid=1234, task_pid=5678}} and anything
 * else with NotFound "container not created: not found".
 */
public final class RawTaskService {

  public static final String SERVICE = "containerd.task.v2.Task";

  private static final HexFormat HEX = HexFormat.of();

  private RawTaskService() {}

  public static ServerServiceDefinition definition() {
    MethodDescriptor<byte[], byte[]> connect =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Connect"))
            .setRequestMarshaller(new BytesMarshaller())
            .setResponseMarshaller(new BytesMarshaller())
            .build();
    return ServerServiceDefinition.builder(SERVICE)
        .addMethod(
            connect,
            ServerCalls.asyncUnaryCall(
                (request, responses) -> {
                  if (HEX.formatHex(request).equals("0a026331")) {
                    responses.onNext(HEX.parseHex("08d20910ae2c"));
                    responses.onCompleted();
                  } else {
                    responses.onError(
                        Status.NOT_FOUND
                            .withDescription("container not created: not found")
                            .asRuntimeException());
                  }
                }))
        .build();
  }

  /** Passes bytes through unchanged. */
  public static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
