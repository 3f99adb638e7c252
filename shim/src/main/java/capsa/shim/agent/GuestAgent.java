package capsa.shim.agent;

import capsa.proto.agent.CgroupStats;
import capsa.proto.agent.Storage;
import capsa.proto.oci.LinuxResources;
import capsa.proto.oci.Process;
import capsa.proto.oci.Spec;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the shim asks of the agent in one VM. Failures complete the future with the agent's
 * {@code io.grpc.StatusRuntimeException} (its code is passed on to containerd) or {@code UNAVAILABLE} when the
 * connection is gone.
 */
public interface GuestAgent extends AutoCloseable {

    CompletableFuture<Void> createSandbox(String sandboxId, String hostname, List<Storage> storages, boolean pidns);

    /**
     * CreateSandbox with the pod's DNS ({@code dns} = resolv.conf lines, Kata's field 2). Agents that cannot carry
     * them (test doubles) fall back to the call without.
     */
    default CompletableFuture<Void> createSandbox(String sandboxId, String hostname, List<String> dns,
            List<Storage> storages, boolean pidns) {
        return createSandbox(sandboxId, hostname, storages, pidns);
    }

    CompletableFuture<Void> destroySandbox();

    CompletableFuture<Void> createContainer(String containerId, Spec spec, boolean sandboxPidns);

    /** CreateContainer with the agent Device entries of the container's passed-through devices. */
    default CompletableFuture<Void> createContainer(String containerId, Spec spec, boolean sandboxPidns,
            List<capsa.proto.agent.Device> devices) {
        if (devices.isEmpty()) {
            return createContainer(containerId, spec, sandboxPidns);
        }
        return CompletableFuture.failedFuture(new UnsupportedOperationException(
                getClass().getSimpleName() + " cannot pass devices to the agent"));
    }

    CompletableFuture<Void> startContainer(String containerId);

    CompletableFuture<Void> execProcess(String containerId, String execId, Process process);

    CompletableFuture<Void> signalProcess(String containerId, String execId, int signal);

    /** Long poll: completes with the exit status (0-255, 128+signal) when the process ends. */
    CompletableFuture<Integer> waitProcess(String containerId, String execId);

    /** Long poll: up to {@code max} bytes once any are available; an empty array at end of stream. */
    CompletableFuture<byte[]> readStdout(String containerId, String execId, int max);

    CompletableFuture<byte[]> readStderr(String containerId, String execId, int max);

    /** Completes with how many bytes the agent took. */
    CompletableFuture<Integer> writeStdin(String containerId, String execId, byte[] data);

    CompletableFuture<Void> closeStdin(String containerId, String execId);

    CompletableFuture<Void> resizeTty(String containerId, String execId, int rows, int columns);

    CompletableFuture<Void> pauseContainer(String containerId);

    CompletableFuture<Void> resumeContainer(String containerId);

    CompletableFuture<Void> updateContainer(String containerId, LinuxResources resources);

    CompletableFuture<CgroupStats> statsContainer(String containerId);

    CompletableFuture<Void> removeContainer(String containerId, int timeoutSeconds);

    /** Long poll: completes with the id of the next container that had an OOM kill. */
    CompletableFuture<String> getOomEvent();

    /** Closes the connection; pending calls fail with {@code UNAVAILABLE}. */
    @Override
    void close();
}
