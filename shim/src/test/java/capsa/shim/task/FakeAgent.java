package capsa.shim.task;

import capsa.proto.agent.CgroupStats;
import capsa.proto.agent.CpuStats;
import capsa.proto.agent.CpuUsage;
import capsa.proto.agent.MemoryData;
import capsa.proto.agent.MemoryStats;
import capsa.proto.agent.Storage;
import capsa.proto.oci.LinuxResources;
import capsa.proto.oci.Process;
import capsa.proto.oci.Spec;
import capsa.shim.agent.GuestAgent;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the guest agent: records every call, and lets the test decide when a process exits
 * ({@link #exit}). Output streams end when their process exits. After {@link #die()} every call fails UNAVAILABLE.
 */
final class FakeAgent implements GuestAgent {

    final List<String> calls = new CopyOnWriteArrayList<>();
    final Map<String, Spec> specs = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Integer>> exits = new ConcurrentHashMap<>();
    volatile boolean dead;
    volatile LinuxResources lastUpdate;

    private CompletableFuture<Integer> exitOf(String cid, String execId) {
        return exits.computeIfAbsent(cid + "/" + execId, k -> new CompletableFuture<>());
    }

    /** The guest process ends with {@code status}. */
    void exit(String cid, String execId, int status) {
        exitOf(cid, execId).complete(status);
    }

    /** The connection is gone (the VM died). */
    void die() {
        dead = true;
        exits.values().forEach(f -> f.completeExceptionally(Status.UNAVAILABLE.asRuntimeException()));
        synchronized (ooms) {
            if (oomPoll != null) {
                oomPoll.completeExceptionally(Status.UNAVAILABLE.asRuntimeException());
            }
        }
    }

    private <T> CompletableFuture<T> record(String call, T value) {
        calls.add(call);
        return dead ? CompletableFuture.failedFuture(Status.UNAVAILABLE.withDescription("gone").asRuntimeException())
                : CompletableFuture.completedFuture(value);
    }

    @Override
    public CompletableFuture<Void> createSandbox(String sandboxId, String hostname, List<Storage> storages,
            boolean pidns) {
        return record("CreateSandbox " + sandboxId, null);
    }

    @Override
    public CompletableFuture<Void> destroySandbox() {
        return record("DestroySandbox", null);
    }

    @Override
    public CompletableFuture<Void> createContainer(String containerId, Spec spec, boolean sandboxPidns) {
        specs.put(containerId, spec);
        return record("CreateContainer " + containerId, null);
    }

    /** The agent Device entries each CreateContainer carried. */
    final Map<String, List<capsa.proto.agent.Device>> devices = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<Void> createContainer(String containerId, Spec spec, boolean sandboxPidns,
            List<capsa.proto.agent.Device> deviceList) {
        devices.put(containerId, List.copyOf(deviceList));
        return createContainer(containerId, spec, sandboxPidns);
    }

    @Override
    public CompletableFuture<Void> startContainer(String containerId) {
        return record("StartContainer " + containerId, null);
    }

    @Override
    public CompletableFuture<Void> execProcess(String containerId, String execId, Process process) {
        return record("ExecProcess " + containerId + "/" + execId, null);
    }

    @Override
    public CompletableFuture<Void> signalProcess(String containerId, String execId, int signal) {
        return record("SignalProcess " + containerId + "/" + execId + " " + signal, null);
    }

    @Override
    public CompletableFuture<Integer> waitProcess(String containerId, String execId) {
        calls.add("WaitProcess " + containerId + "/" + execId);
        return exitOf(containerId, execId).copy();
    }

    @Override
    public CompletableFuture<byte[]> readStdout(String containerId, String execId, int max) {
        return exitOf(containerId, execId).handle((s, e) -> new byte[0]);
    }

    @Override
    public CompletableFuture<byte[]> readStderr(String containerId, String execId, int max) {
        return exitOf(containerId, execId).handle((s, e) -> new byte[0]);
    }

    @Override
    public CompletableFuture<Integer> writeStdin(String containerId, String execId, byte[] data) {
        return record("WriteStdin " + containerId + "/" + execId, data.length);
    }

    @Override
    public CompletableFuture<Void> closeStdin(String containerId, String execId) {
        return record("CloseStdin " + containerId + "/" + execId, null);
    }

    @Override
    public CompletableFuture<Void> resizeTty(String containerId, String execId, int rows, int columns) {
        return record("TtyWinResize " + containerId + "/" + execId + " " + rows + "x" + columns, null);
    }

    @Override
    public CompletableFuture<Void> pauseContainer(String containerId) {
        return record("PauseContainer " + containerId, null);
    }

    @Override
    public CompletableFuture<Void> resumeContainer(String containerId) {
        return record("ResumeContainer " + containerId, null);
    }

    @Override
    public CompletableFuture<Void> updateContainer(String containerId, LinuxResources resources) {
        lastUpdate = resources;
        return record("UpdateContainer " + containerId, null);
    }

    @Override
    public CompletableFuture<CgroupStats> statsContainer(String containerId) {
        return record("StatsContainer " + containerId, CgroupStats.newBuilder()
                .setCpuStats(CpuStats.newBuilder().setCpuUsage(CpuUsage.newBuilder().setTotalUsage(12345)))
                .setMemoryStats(MemoryStats.newBuilder().setUsage(MemoryData.newBuilder().setUsage(4096)))
                .build());
    }

    @Override
    public CompletableFuture<Void> removeContainer(String containerId, int timeoutSeconds) {
        return record("RemoveContainer " + containerId, null);
    }

    private final java.util.ArrayDeque<String> ooms = new java.util.ArrayDeque<>(); // guarded by itself
    private CompletableFuture<String> oomPoll; // guarded by ooms

    /** The agent reports an OOM kill in {@code cid}: answers the pending GetOOMEvent, or the next one. */
    void oom(String cid) {
        synchronized (ooms) {
            if (oomPoll != null && oomPoll.complete(cid)) {
                oomPoll = null;
                return;
            }
            ooms.add(cid);
        }
    }

    @Override
    public CompletableFuture<String> getOomEvent() {
        synchronized (ooms) {
            calls.add("GetOOMEvent");
            if (!ooms.isEmpty()) {
                return CompletableFuture.completedFuture(ooms.poll());
            }
            if (dead) {
                return CompletableFuture.failedFuture(Status.UNAVAILABLE.asRuntimeException());
            }
            oomPoll = new CompletableFuture<>();
            return oomPoll;
        }
    }

    @Override
    public void close() {
        calls.add("close");
    }
}
