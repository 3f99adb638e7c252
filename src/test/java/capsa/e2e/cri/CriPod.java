package capsa.e2e.cri;

import capsa.e2e.cri.v1.ContainerConfig;
import capsa.e2e.cri.v1.PodSandboxConfig;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;

/**
 * A running pod sandbox and the calls a test makes on it. Closing runs StopPodSandbox then RemovePodSandbox (as
 * kubelet does), tolerating a pod a test already removed.
 */
public final class CriPod implements AutoCloseable {

    private final CriClient cri;
    private final String id;
    private final PodSandboxConfig config;
    private final String runtimeHandler;

    CriPod(CriClient cri, String id, PodSandboxConfig config, String runtimeHandler) {
        this.cri = cri;
        this.id = id;
        this.config = config;
        this.runtimeHandler = runtimeHandler;
    }

    public String id() {
        return id;
    }

    public PodSandboxConfig config() {
        return config;
    }

    public String runtimeHandler() {
        return runtimeHandler;
    }

    public Path logDirectory() {
        return Path.of(config.getLogDirectory());
    }

    /** Where a container made by {@link CriSpecs#container} logs. */
    public Path logFile(String containerName) {
        return logDirectory().resolve(CriSpecs.logPath(containerName));
    }

    /** CreateContainer in this pod; returns the container id. */
    public String createContainer(ContainerConfig container) {
        return cri.createContainer(id, container, config);
    }

    /** CreateContainer + StartContainer of {@code image} running {@code command}; returns the container id. */
    public String startContainer(String name, String image, String... command) {
        String container = createContainer(CriSpecs.container(name, image, command));
        cri.startContainer(container);
        return container;
    }

    public void stop() {
        cri.stopPodSandbox(id);
    }

    public void remove() {
        cri.removePodSandbox(id);
    }

    @Override
    public void close() {
        try {
            stop();
            remove();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw e;
            }
        }
    }
}
