package capsa.shim.agent;

import capsa.proto.agent.ARPNeighbors;
import capsa.proto.agent.AddARPNeighborsRequest;
import capsa.proto.agent.AgentServiceGrpc;
import capsa.proto.agent.CgroupStats;
import capsa.proto.agent.CloseStdinRequest;
import capsa.proto.agent.CreateContainerRequest;
import capsa.proto.agent.CreateSandboxRequest;
import capsa.proto.agent.DestroySandboxRequest;
import capsa.proto.agent.ExecProcessRequest;
import capsa.proto.agent.GetOOMEventRequest;
import capsa.proto.agent.Interfaces;
import capsa.proto.agent.ListInterfacesRequest;
import capsa.proto.agent.ListRoutesRequest;
import capsa.proto.agent.OOMEvent;
import capsa.proto.agent.PauseContainerRequest;
import capsa.proto.agent.ReadStreamRequest;
import capsa.proto.agent.ReadStreamResponse;
import capsa.proto.agent.RemoveContainerRequest;
import capsa.proto.agent.ResumeContainerRequest;
import capsa.proto.agent.Routes;
import capsa.proto.agent.SignalProcessRequest;
import capsa.proto.agent.StartContainerRequest;
import capsa.proto.agent.StatsContainerRequest;
import capsa.proto.agent.StatsContainerResponse;
import capsa.proto.agent.Storage;
import capsa.proto.agent.TtyWinResizeRequest;
import capsa.proto.agent.UpdateContainerRequest;
import capsa.proto.agent.UpdateInterfaceRequest;
import capsa.proto.agent.UpdateRoutesRequest;
import capsa.proto.agent.WaitProcessRequest;
import capsa.proto.agent.WriteStreamRequest;
import capsa.proto.agent.types.ARPNeighbor;
import capsa.proto.agent.types.Interface;
import capsa.proto.agent.types.Route;
import capsa.proto.oci.LinuxResources;
import capsa.proto.oci.Process;
import capsa.proto.oci.Spec;
import capsa.ttrpc.client.TtrpcClient;
import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@link GuestAgent} over ttrpc. Control calls get {@code controlTimeout} as their deadline (it travels to the agent
 * as {@code timeout_nano}); the long polls get none.
 */
public final class TtrpcGuestAgent implements GuestAgent, GuestNetworkAgent {

    private final TtrpcClient client;
    private final AgentServiceGrpc.AgentServiceFutureStub stub;
    private final Duration controlTimeout;

    public TtrpcGuestAgent(TtrpcClient client, Duration controlTimeout) {
        this.client = client;
        this.stub = AgentServiceGrpc.newFutureStub(client);
        this.controlTimeout = controlTimeout;
    }

    private AgentServiceGrpc.AgentServiceFutureStub control() {
        return stub.withDeadlineAfter(controlTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<Void> createSandbox(
            String sandboxId, String hostname, List<Storage> storages, boolean pidns) {
        return createSandbox(sandboxId, hostname, List.of(), storages, pidns);
    }

    @Override
    public CompletableFuture<Void> createSandbox(
            String sandboxId, String hostname, List<String> dns, List<Storage> storages, boolean pidns) {
        return done(control().createSandbox(CreateSandboxRequest.newBuilder()
                .setSandboxId(sandboxId)
                .setHostname(hostname)
                .addAllDns(dns)
                .addAllStorages(storages)
                .setSandboxPidns(pidns)
                .build()));
    }

    @Override
    public CompletableFuture<Void> destroySandbox() {
        return done(control().destroySandbox(DestroySandboxRequest.getDefaultInstance()));
    }

    @Override
    public CompletableFuture<Void> createContainer(String containerId, Spec spec, boolean sandboxPidns) {
        return createContainer(containerId, spec, sandboxPidns, java.util.List.of());
    }

    @Override
    public CompletableFuture<Void> createContainer(String containerId, Spec spec, boolean sandboxPidns,
            java.util.List<capsa.proto.agent.Device> devices) {
        return done(control().createContainer(CreateContainerRequest.newBuilder()
                .setContainerId(containerId)
                .setExecId(containerId)
                .setOCI(spec)
                .setSandboxPidns(sandboxPidns)
                .addAllDevices(devices)
                .build()));
    }

    @Override
    public CompletableFuture<Void> startContainer(String containerId) {
        return done(control().startContainer(
                StartContainerRequest.newBuilder().setContainerId(containerId).build()));
    }

    @Override
    public CompletableFuture<Void> execProcess(String containerId, String execId, Process process) {
        return done(control().execProcess(ExecProcessRequest.newBuilder()
                .setContainerId(containerId).setExecId(execId).setProcess(process).build()));
    }

    @Override
    public CompletableFuture<Void> signalProcess(String containerId, String execId, int signal) {
        return done(control().signalProcess(SignalProcessRequest.newBuilder()
                .setContainerId(containerId).setExecId(execId).setSignal(signal).build()));
    }

    @Override
    public CompletableFuture<Integer> waitProcess(String containerId, String execId) {
        return map(stub.waitProcess(WaitProcessRequest.newBuilder()
                .setContainerId(containerId).setExecId(execId).build()), r -> r.getStatus());
    }

    @Override
    public CompletableFuture<byte[]> readStdout(String containerId, String execId, int max) {
        return map(stub.readStdout(read(containerId, execId, max)), TtrpcGuestAgent::bytes);
    }

    @Override
    public CompletableFuture<byte[]> readStderr(String containerId, String execId, int max) {
        return map(stub.readStderr(read(containerId, execId, max)), TtrpcGuestAgent::bytes);
    }

    private static ReadStreamRequest read(String containerId, String execId, int max) {
        return ReadStreamRequest.newBuilder().setContainerId(containerId).setExecId(execId).setLen(max).build();
    }

    private static byte[] bytes(ReadStreamResponse r) {
        return r.getData().toByteArray();
    }

    @Override
    public CompletableFuture<Integer> writeStdin(String containerId, String execId, byte[] data) {
        return map(control().writeStdin(WriteStreamRequest.newBuilder()
                .setContainerId(containerId).setExecId(execId).setData(ByteString.copyFrom(data)).build()),
                r -> r.getLen());
    }

    @Override
    public CompletableFuture<Void> closeStdin(String containerId, String execId) {
        return done(control().closeStdin(
                CloseStdinRequest.newBuilder().setContainerId(containerId).setExecId(execId).build()));
    }

    @Override
    public CompletableFuture<Void> resizeTty(String containerId, String execId, int rows, int columns) {
        return done(control().ttyWinResize(TtyWinResizeRequest.newBuilder()
                .setContainerId(containerId).setExecId(execId).setRow(rows).setColumn(columns).build()));
    }

    @Override
    public CompletableFuture<Void> pauseContainer(String containerId) {
        return done(control().pauseContainer(
                PauseContainerRequest.newBuilder().setContainerId(containerId).build()));
    }

    @Override
    public CompletableFuture<Void> resumeContainer(String containerId) {
        return done(control().resumeContainer(
                ResumeContainerRequest.newBuilder().setContainerId(containerId).build()));
    }

    @Override
    public CompletableFuture<Void> updateContainer(String containerId, LinuxResources resources) {
        return done(control().updateContainer(UpdateContainerRequest.newBuilder()
                .setContainerId(containerId).setResources(resources).build()));
    }

    @Override
    public CompletableFuture<CgroupStats> statsContainer(String containerId) {
        return map(control().statsContainer(StatsContainerRequest.newBuilder().setContainerId(containerId).build()),
                StatsContainerResponse::getCgroupStats);
    }

    @Override
    public CompletableFuture<Void> removeContainer(String containerId, int timeoutSeconds) {
        // The agent may take the whole timeout to stop the container; give the call that plus the usual margin.
        return done(stub.withDeadlineAfter(controlTimeout.toMillis() + timeoutSeconds * 1000L, TimeUnit.MILLISECONDS)
                .removeContainer(RemoveContainerRequest.newBuilder()
                        .setContainerId(containerId).setTimeout(timeoutSeconds).build()));
    }

    @Override
    public CompletableFuture<Interface> updateInterface(Interface iface) {
        return map(control().updateInterface(UpdateInterfaceRequest.newBuilder().setInterface(iface).build()),
                r -> r);
    }

    @Override
    public CompletableFuture<List<Route>> updateRoutes(List<Route> routes) {
        return map(control().updateRoutes(UpdateRoutesRequest.newBuilder()
                .setRoutes(Routes.newBuilder().addAllRoutes(routes)).build()), Routes::getRoutesList);
    }

    @Override
    public CompletableFuture<Void> addArpNeighbors(List<ARPNeighbor> neighbors) {
        return done(control().addARPNeighbors(AddARPNeighborsRequest.newBuilder()
                .setNeighbors(ARPNeighbors.newBuilder().addAllARPNeighbors(neighbors)).build()));
    }

    @Override
    public CompletableFuture<List<Interface>> listInterfaces() {
        return map(control().listInterfaces(ListInterfacesRequest.getDefaultInstance()),
                Interfaces::getInterfacesList);
    }

    @Override
    public CompletableFuture<List<Route>> listRoutes() {
        return map(control().listRoutes(ListRoutesRequest.getDefaultInstance()), Routes::getRoutesList);
    }

    @Override
    public CompletableFuture<String> getOomEvent() {
        return map(stub.getOOMEvent(GetOOMEventRequest.getDefaultInstance()), OOMEvent::getContainerId);
    }

    @Override
    public void close() {
        client.close();
    }

    private static <T> CompletableFuture<Void> done(ListenableFuture<T> f) {
        return map(f, r -> null);
    }

    private static <T, R> CompletableFuture<R> map(ListenableFuture<T> f, Function<T, R> fn) {
        CompletableFuture<R> out = new CompletableFuture<>();
        Futures.addCallback(f, new FutureCallback<T>() {
            @Override
            public void onSuccess(T result) {
                try {
                    out.complete(fn.apply(result));
                } catch (RuntimeException e) {
                    out.completeExceptionally(e);
                }
            }

            @Override
            public void onFailure(Throwable t) {
                out.completeExceptionally(t);
            }
        }, MoreExecutors.directExecutor());
        return out;
    }
}
