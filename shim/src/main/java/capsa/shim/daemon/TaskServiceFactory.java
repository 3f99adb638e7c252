package capsa.shim.daemon;

import io.grpc.BindableService;

/**
 * The seam between the daemon skeleton and the Task service: the composition root hands the factory what the
 * service may use and serves what it returns under both Task service names ({@link TaskServiceVersions}).
 *
 * <p>The service must implement the {@code containerd.task.v2.Task} API ({@code TaskGrpc.TaskImplBase} of
 * {@code capsa.proto.containerd.task.v2}) and call {@link ShutdownService#requestShutdown} from its Shutdown RPC
 * once no task is left.
 */
@FunctionalInterface
public interface TaskServiceFactory {

    BindableService create(TaskServiceContext context);
}
