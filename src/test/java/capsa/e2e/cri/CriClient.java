package capsa.e2e.cri;

import capsa.e2e.cri.v1.Container;
import capsa.e2e.cri.v1.ContainerConfig;
import capsa.e2e.cri.v1.ContainerFilter;
import capsa.e2e.cri.v1.ContainerState;
import capsa.e2e.cri.v1.ContainerStats;
import capsa.e2e.cri.v1.ContainerStatsFilter;
import capsa.e2e.cri.v1.ContainerStatsRequest;
import capsa.e2e.cri.v1.ContainerStatus;
import capsa.e2e.cri.v1.ContainerStatusRequest;
import capsa.e2e.cri.v1.ContainerStatusResponse;
import capsa.e2e.cri.v1.CreateContainerRequest;
import capsa.e2e.cri.v1.ExecSyncRequest;
import capsa.e2e.cri.v1.ExecSyncResponse;
import capsa.e2e.cri.v1.Image;
import capsa.e2e.cri.v1.ImageServiceGrpc;
import capsa.e2e.cri.v1.ImageSpec;
import capsa.e2e.cri.v1.ImageStatusRequest;
import capsa.e2e.cri.v1.ImageStatusResponse;
import capsa.e2e.cri.v1.ListContainerStatsRequest;
import capsa.e2e.cri.v1.ListContainersRequest;
import capsa.e2e.cri.v1.ListImagesRequest;
import capsa.e2e.cri.v1.ListPodSandboxRequest;
import capsa.e2e.cri.v1.PodSandbox;
import capsa.e2e.cri.v1.PodSandboxConfig;
import capsa.e2e.cri.v1.PodSandboxStats;
import capsa.e2e.cri.v1.PodSandboxStatsRequest;
import capsa.e2e.cri.v1.PodSandboxStatusRequest;
import capsa.e2e.cri.v1.PodSandboxStatusResponse;
import capsa.e2e.cri.v1.RemoveContainerRequest;
import capsa.e2e.cri.v1.RemovePodSandboxRequest;
import capsa.e2e.cri.v1.RunPodSandboxRequest;
import capsa.e2e.cri.v1.RuntimeServiceGrpc;
import capsa.e2e.cri.v1.StartContainerRequest;
import capsa.e2e.cri.v1.StatusRequest;
import capsa.e2e.cri.v1.StatusResponse;
import capsa.e2e.cri.v1.StopContainerRequest;
import capsa.e2e.cri.v1.StopPodSandboxRequest;
import capsa.e2e.cri.v1.VersionRequest;
import capsa.e2e.cri.v1.VersionResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A blocking CRI client (our {@code runtime.v1} subset) over containerd's gRPC Unix socket, with crictl's flows:
 * run/stop/remove a pod, create/start/stop/remove a container, exec, status, stats. Every call carries a deadline;
 * a CRI error surfaces as the {@link io.grpc.StatusRuntimeException} containerd sent.
 *
 * <p>The event-loop group is the caller's (an epoll group, since the transport is an epoll domain socket); closing the
 * client shuts its channel down, not the group. Safe to use from several test threads.
 */
public final class CriClient implements AutoCloseable {

    /** Per-call deadline: generous, as the CI machine's two cores are shared with other builds. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(120);
    /** ContainerStatus polling period while waiting for an exit: containerd 1.6's CRI has no event stream. */
    private static final Duration POLL = Duration.ofMillis(50);
    /** ExecSync output may be up to 16 MiB per stream, above grpc-java's 4 MiB default. */
    private static final int MAX_MESSAGE = 40 * 1024 * 1024;

    private final ManagedChannel channel;
    private final Duration deadline;

    private CriClient(ManagedChannel channel, Duration deadline) {
        this.channel = channel;
        this.deadline = deadline;
    }

    /** Connects (lazily, on the first call) to the CRI server on {@code socket}. */
    public static CriClient connect(Path socket, EventLoopGroup epollGroup) {
        return connect(socket, epollGroup, DEFAULT_DEADLINE);
    }

    public static CriClient connect(Path socket, EventLoopGroup epollGroup, Duration deadline) {
        Epoll.ensureAvailability();
        ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .eventLoopGroup(epollGroup)
                .channelType(EpollDomainSocketChannel.class)
                .usePlaintext()
                .overrideAuthority("localhost")
                .maxInboundMessageSize(MAX_MESSAGE)
                .build();
        return new CriClient(channel, deadline);
    }

    private RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
        return runtime(deadline);
    }

    private RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime(Duration callDeadline) {
        return RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private ImageServiceGrpc.ImageServiceBlockingStub images() {
        return ImageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ---- runtime ----

    public VersionResponse version() {
        return runtime().version(VersionRequest.newBuilder().setVersion("v1").build());
    }

    public StatusResponse status() {
        return status(false);
    }

    /** With {@code verbose}, {@code info["config"]} is the CRI plugin's effective config as JSON. */
    public StatusResponse status(boolean verbose) {
        return runtime().status(StatusRequest.newBuilder().setVerbose(verbose).build());
    }

    /** True when the runtime reports the condition {@code type} (e.g. {@code RuntimeReady}) as true. */
    public boolean conditionTrue(String type) {
        return status().getStatus().getConditionsList().stream()
                .anyMatch(c -> c.getType().equals(type) && c.getStatus());
    }

    // ---- pods ----

    /** RunPodSandbox with a runtime handler ({@code ""} = containerd's default); returns the sandbox id. */
    public String runPodSandbox(PodSandboxConfig config, String runtimeHandler) {
        return runtime().runPodSandbox(RunPodSandboxRequest.newBuilder()
                .setConfig(config).setRuntimeHandler(runtimeHandler).build()).getPodSandboxId();
    }

    public PodSandboxStatusResponse podSandboxStatus(String podId, boolean verbose) {
        return runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder()
                .setPodSandboxId(podId).setVerbose(verbose).build());
    }

    public List<PodSandbox> listPodSandboxes() {
        return runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList();
    }

    /** Stops every container of the pod and the sandbox itself; idempotent. */
    public void stopPodSandbox(String podId) {
        runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
    }

    /** Removes the pod and its containers; idempotent. */
    public void removePodSandbox(String podId) {
        runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
    }

    /**
     * PodSandboxStats. containerd 1.6 answers it only for pods with a {@code cgroup_parent} ("cgroupPath is empty"
     * otherwise); {@link CriSpecs} pods have none, as a pod cgroup would outlive the pod on cgroup v1.
     */
    public PodSandboxStats podSandboxStats(String podId) {
        return runtime().podSandboxStats(PodSandboxStatsRequest.newBuilder().setPodSandboxId(podId).build()).getStats();
    }

    // ---- containers ----

    /** CreateContainer in {@code podId}; {@code podConfig} is the config the pod was run with. Returns the id. */
    public String createContainer(String podId, ContainerConfig config, PodSandboxConfig podConfig) {
        return runtime().createContainer(CreateContainerRequest.newBuilder()
                .setPodSandboxId(podId).setConfig(config).setSandboxConfig(podConfig).build()).getContainerId();
    }

    public void startContainer(String containerId) {
        runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build());
    }

    /** StopContainer: the stop signal, then SIGKILL after {@code grace} (whole seconds; zero kills at once). */
    public void stopContainer(String containerId, Duration grace) {
        runtime(deadline.plus(grace)).stopContainer(StopContainerRequest.newBuilder()
                .setContainerId(containerId).setTimeout(grace.toSeconds()).build());
    }

    public void removeContainer(String containerId) {
        runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(containerId).build());
    }

    public ContainerStatus containerStatus(String containerId) {
        return containerStatus(containerId, false).getStatus();
    }

    /** With {@code verbose}, {@code info["info"]} is a JSON document with the pid, sandbox id and OCI spec. */
    public ContainerStatusResponse containerStatus(String containerId, boolean verbose) {
        return runtime().containerStatus(ContainerStatusRequest.newBuilder()
                .setContainerId(containerId).setVerbose(verbose).build());
    }

    /** The host pid of the container's init process, from the verbose status. */
    public long containerPid(String containerId) {
        return VerboseInfo.pid(containerStatus(containerId, true).getInfoMap().get("info"));
    }

    /** The host pid of the sandbox (pause) process, from the verbose status. */
    public long podSandboxPid(String podId) {
        return VerboseInfo.pid(podSandboxStatus(podId, true).getInfoMap().get("info"));
    }

    public List<Container> listContainers(String podId) {
        return runtime().listContainers(ListContainersRequest.newBuilder()
                .setFilter(ContainerFilter.newBuilder().setPodSandboxId(podId)).build()).getContainersList();
    }

    /**
     * Polls ContainerStatus until the container has exited (containerd 1.6 offers no CRI event to wait on) and
     * returns that status; throws if it is still running after {@code timeout}.
     */
    public ContainerStatus waitForContainerExit(String containerId, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            ContainerStatus status = containerStatus(containerId);
            if (status.getState() == ContainerState.CONTAINER_EXITED) {
                return status;
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("container " + containerId + " still " + status.getState()
                        + " after " + timeout);
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /**
     * ExecSync: runs {@code command} in the container with stdin closed (the CRI request has no stdin), waits for it
     * and returns its exit code and output. containerd kills it after {@code timeout} (whole seconds, at least one).
     */
    public ExecResult execSync(String containerId, Duration timeout, String... command) {
        long seconds = Math.max(1, timeout.toSeconds());
        ExecSyncResponse response = runtime(deadline.plusSeconds(seconds)).execSync(ExecSyncRequest.newBuilder()
                .setContainerId(containerId).addAllCmd(List.of(command)).setTimeout(seconds).build());
        return new ExecResult(response.getExitCode(), response.getStdout().toString(StandardCharsets.UTF_8),
                response.getStderr().toString(StandardCharsets.UTF_8));
    }

    public ContainerStats containerStats(String containerId) {
        return runtime().containerStats(ContainerStatsRequest.newBuilder().setContainerId(containerId).build()).getStats();
    }

    public List<ContainerStats> listContainerStats(String podId) {
        return runtime().listContainerStats(ListContainerStatsRequest.newBuilder()
                .setFilter(ContainerStatsFilter.newBuilder().setPodSandboxId(podId)).build()).getStatsList();
    }

    // ---- images ----

    /** The image CRI knows under {@code ref}, or empty (CRI answers an unknown image without an error). */
    public Optional<Image> imageStatus(String ref) {
        ImageStatusResponse response = images().imageStatus(ImageStatusRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(ref)).build());
        return response.hasImage() ? Optional.of(response.getImage()) : Optional.empty();
    }

    public List<Image> listImages() {
        return images().listImages(ListImagesRequest.getDefaultInstance()).getImagesList();
    }

    /**
     * Waits until CRI's image store has {@code ref}: an image imported with ctr reaches it through containerd's
     * image events, asynchronously, and CRI offers nothing to wait on.
     */
    public Image awaitImage(String ref, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Image> image = imageStatus(ref);
            if (image.isPresent()) {
                return image.get();
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("CRI does not know image " + ref + " after " + timeout);
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
