package capsa.ttrpc.interop;

import capsa.ttrpc.TtrpcMetadata;
import capsa.ttrpc.testing.RawTaskService.BytesMarshaller;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import java.util.Queue;

/**
 * containerd's ttrpc events service ({@code containerd.services.events.ttrpc.v1.Events/Forward}) on raw
 * bytes: records each forwarded envelope's namespace and topic, with the call's metadata, and answers
 * {@code Empty}.
 */
final class RecordingEventsService {

  static final String SERVICE = "containerd.services.events.ttrpc.v1.Events";

  /** One Forward call: Envelope{namespace=2, topic=3} and the ttrpc metadata it came with. */
  record Forwarded(String namespace, String topic, TtrpcMetadata metadata) {}

  private RecordingEventsService() {}

  static ServerServiceDefinition definition(Queue<Forwarded> sink) {
    MethodDescriptor<byte[], byte[]> forward =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Forward"))
            .setRequestMarshaller(new BytesMarshaller())
            .setResponseMarshaller(new BytesMarshaller())
            .build();
    return ServerServiceDefinition.builder(SERVICE)
        .addMethod(
            forward,
            ServerCalls.asyncUnaryCall(
                (request, responses) -> {
                  try {
                    UnknownFieldSet envelope =
                        UnknownFieldSet.parseFrom(
                            UnknownFieldSet.parseFrom(request).getField(1).getLengthDelimitedList().get(0));
                    sink.add(
                        new Forwarded(
                            envelope.getField(2).getLengthDelimitedList().get(0).toStringUtf8(),
                            envelope.getField(3).getLengthDelimitedList().get(0).toStringUtf8(),
                            TtrpcMetadata.current()));
                    responses.onNext(new byte[0]);
                    responses.onCompleted();
                  } catch (InvalidProtocolBufferException e) {
                    responses.onError(e);
                  }
                }))
        .build();
  }
}
