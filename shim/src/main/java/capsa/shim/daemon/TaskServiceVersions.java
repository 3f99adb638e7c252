package capsa.shim.daemon;

import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;

/**
 * Serves one Task implementation under both service names containerd may call: {@code containerd.task.v2.Task}
 * (1.6+, and 2.x when {@code start} reports version 2) and {@code containerd.task.v3.Task} (2.x with version 3, and
 * its downgrade probe). The two schemas are byte-for-byte identical and ttrpc carries bare bytes, so the v3 service
 * reuses the v2 handlers and marshallers unchanged; only the full method names differ. No v3 message class is ever
 * built.
 */
public final class TaskServiceVersions {

    public static final String V2 = "containerd.task.v2.Task";
    public static final String V3 = "containerd.task.v3.Task";

    private TaskServiceVersions() {}

    /** {@code v2} re-registered under the v3 service name. */
    public static ServerServiceDefinition asV3(ServerServiceDefinition v2) {
        return rename(v2, V3);
    }

    static ServerServiceDefinition rename(ServerServiceDefinition definition, String serviceName) {
        ServerServiceDefinition.Builder renamed = ServerServiceDefinition.builder(serviceName);
        for (ServerMethodDefinition<?, ?> method : definition.getMethods()) {
            renamed.addMethod(rename(method, serviceName));
        }
        return renamed.build();
    }

    private static <Req, Resp> ServerMethodDefinition<Req, Resp> rename(
            ServerMethodDefinition<Req, Resp> method, String serviceName) {
        MethodDescriptor<Req, Resp> descriptor = method.getMethodDescriptor();
        MethodDescriptor<Req, Resp> renamed = descriptor.toBuilder()
                .setFullMethodName(MethodDescriptor.generateFullMethodName(serviceName, descriptor.getBareMethodName()))
                .setSchemaDescriptor(null)
                .build();
        return ServerMethodDefinition.create(renamed, method.getServerCallHandler());
    }
}
