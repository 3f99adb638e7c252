package capsa.shim.task;

import capsa.proto.containerd.task.v2.CheckpointTaskRequest;
import capsa.proto.containerd.task.v2.CloseIORequest;
import capsa.proto.containerd.task.v2.ConnectRequest;
import capsa.proto.containerd.task.v2.ConnectResponse;
import capsa.proto.containerd.task.v2.CreateTaskRequest;
import capsa.proto.containerd.task.v2.CreateTaskResponse;
import capsa.proto.containerd.task.v2.DeleteRequest;
import capsa.proto.containerd.task.v2.DeleteResponse;
import capsa.proto.containerd.task.v2.ExecProcessRequest;
import capsa.proto.containerd.task.v2.KillRequest;
import capsa.proto.containerd.task.v2.PauseRequest;
import capsa.proto.containerd.task.v2.PidsRequest;
import capsa.proto.containerd.task.v2.PidsResponse;
import capsa.proto.containerd.task.v2.ResizePtyRequest;
import capsa.proto.containerd.task.v2.ResumeRequest;
import capsa.proto.containerd.task.v2.ShutdownRequest;
import capsa.proto.containerd.task.v2.StartRequest;
import capsa.proto.containerd.task.v2.StartResponse;
import capsa.proto.containerd.task.v2.StateRequest;
import capsa.proto.containerd.task.v2.StateResponse;
import capsa.proto.containerd.task.v2.StatsRequest;
import capsa.proto.containerd.task.v2.StatsResponse;
import capsa.proto.containerd.task.v2.TaskGrpc;
import capsa.proto.containerd.task.v2.UpdateTaskRequest;
import capsa.proto.containerd.task.v2.WaitRequest;
import capsa.proto.containerd.task.v2.WaitResponse;
import capsa.proto.containerd.v1.types.ProcessInfo;
import capsa.proto.containerd.v1.types.Status;
import capsa.shim.daemon.ShutdownService;
import capsa.shim.sandbox.ContainerState;
import capsa.shim.sandbox.ProcessSnapshot;
import capsa.shim.sandbox.Sandbox;
import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Task API. Each handler converts the request ({@link TaskRequests}), calls the sandbox and converts the answer;
 * the semantics (states, events, error kinds) live in {@code capsa.shim.sandbox}.
 */
public final class TaskService extends TaskGrpc.TaskImplBase {

    private static final Logger log = LoggerFactory.getLogger(TaskService.class);
    /** Go's zero time: what runc reports for processes that have not exited (reference §2.5). */
    static final Timestamp ZERO_TIME = Timestamp.newBuilder().setSeconds(-62135596800L).build();
    private static final Empty EMPTY = Empty.getDefaultInstance();

    private final SandboxHost host;
    private final TaskRequests requests;
    private final ShutdownService shutdown;
    private final HostCgroups cgroups;

    public TaskService(SandboxHost host, TaskRequests requests, ShutdownService shutdown) {
        this(host, requests, shutdown, HostCgroups.detect());
    }

    /** @param cgroups the host's layout: Stats answers in the Metrics version CRI decodes on it */
    public TaskService(SandboxHost host, TaskRequests requests, ShutdownService shutdown, HostCgroups cgroups) {
        this.host = host;
        this.requests = requests;
        this.shutdown = shutdown;
        this.cgroups = cgroups;
    }

    @Override
    public void create(CreateTaskRequest r, StreamObserver<CreateTaskResponse> o) {
        reply(o, "Create " + r.getId(), () -> {
            var task = requests.create(r);
            return host.forCreate(task).thenCompose(s -> s.create(task))
                    .thenApply(pid -> CreateTaskResponse.newBuilder().setPid(pid).build());
        });
    }

    @Override
    public void start(StartRequest r, StreamObserver<StartResponse> o) {
        on(o, "Start", r.getId(), s -> s.start(r.getId(), r.getExecId())
                .thenApply(pid -> StartResponse.newBuilder().setPid(pid).build()));
    }

    @Override
    public void delete(DeleteRequest r, StreamObserver<DeleteResponse> o) {
        on(o, "Delete", r.getId(), s -> s.delete(r.getId(), r.getExecId())
                .thenApply(d -> DeleteResponse.newBuilder().setPid(d.pid()).setExitStatus(d.exitStatus())
                        .setExitedAt(timestamp(d.exitedAt())).build()));
    }

    @Override
    public void exec(ExecProcessRequest r, StreamObserver<Empty> o) {
        on(o, "Exec", r.getId(), s -> s.exec(requests.exec(r)).thenApply(v -> EMPTY));
    }

    @Override
    public void kill(KillRequest r, StreamObserver<Empty> o) {
        on(o, "Kill", r.getId(), s -> s.kill(r.getId(), r.getExecId(), r.getSignal(), r.getAll())
                .thenApply(v -> EMPTY));
    }

    @Override
    public void wait(WaitRequest r, StreamObserver<WaitResponse> o) {
        on(o, "Wait", r.getId(), s -> s.waitFor(r.getId(), r.getExecId())
                .thenApply(e -> WaitResponse.newBuilder().setExitStatus(e.status())
                        .setExitedAt(timestamp(e.at())).build()));
    }

    @Override
    public void state(StateRequest r, StreamObserver<StateResponse> o) {
        on(o, "State", r.getId(), s -> s.state(r.getId(), r.getExecId()).thenApply(TaskService::state));
    }

    private static StateResponse state(ProcessSnapshot p) {
        return StateResponse.newBuilder()
                .setId(p.id())
                .setExecId(p.execId())
                .setBundle(p.bundle().toString())
                .setPid(p.pid())
                .setStatus(status(p.status()))
                .setStdin(p.stdio().stdin())
                .setStdout(p.stdio().stdout())
                .setStderr(p.stdio().stderr())
                .setTerminal(p.stdio().terminal())
                .setExitStatus(p.exit().map(e -> e.status()).orElse(0))
                .setExitedAt(p.exit().map(e -> timestamp(e.at())).orElse(ZERO_TIME))
                .build();
    }

    static Status status(ContainerState s) {
        if (s instanceof ContainerState.Created) {
            return Status.CREATED;
        }
        if (s instanceof ContainerState.Running) {
            return Status.RUNNING;
        }
        return s instanceof ContainerState.Paused ? Status.PAUSED : Status.STOPPED;
    }

    @Override
    public void pids(PidsRequest r, StreamObserver<PidsResponse> o) {
        on(o, "Pids", r.getId(), s -> s.pids(r.getId()).thenApply(pids -> {
            PidsResponse.Builder b = PidsResponse.newBuilder();
            for (var p : pids) {
                ProcessInfo.Builder info = ProcessInfo.newBuilder().setPid(p.pid());
                if (!p.execId().isEmpty()) {
                    info.setInfo(ProcessDetails.pack(p.execId()));
                }
                b.addProcesses(info);
            }
            return b.build();
        }));
    }

    @Override
    public void pause(PauseRequest r, StreamObserver<Empty> o) {
        on(o, "Pause", r.getId(), s -> s.pause(r.getId()).thenApply(v -> EMPTY));
    }

    @Override
    public void resume(ResumeRequest r, StreamObserver<Empty> o) {
        on(o, "Resume", r.getId(), s -> s.resume(r.getId()).thenApply(v -> EMPTY));
    }

    @Override
    public void checkpoint(CheckpointTaskRequest r, StreamObserver<Empty> o) {
        reply(o, "Checkpoint " + r.getId(), () -> {
            throw new UnsupportedOperationException("checkpoint is not supported by capsa");
        });
    }

    @Override
    public void resizePty(ResizePtyRequest r, StreamObserver<Empty> o) {
        on(o, "ResizePty", r.getId(), s -> s.resizePty(r.getId(), r.getExecId(), r.getWidth(), r.getHeight())
                .thenApply(v -> EMPTY));
    }

    @Override
    public void closeIO(CloseIORequest r, StreamObserver<Empty> o) {
        on(o, "CloseIO", r.getId(), s -> r.getStdin() ? s.closeIo(r.getId(), r.getExecId()).thenApply(v -> EMPTY)
                : CompletableFuture.completedFuture(EMPTY));
    }

    @Override
    public void update(UpdateTaskRequest r, StreamObserver<Empty> o) {
        on(o, "Update", r.getId(), s -> s.update(r.getId(), requests.resources(r.getResources()))
                .thenApply(v -> EMPTY));
    }

    @Override
    public void stats(StatsRequest r, StreamObserver<StatsResponse> o) {
        on(o, "Stats", r.getId(), s -> s.stats(r.getId())
                .thenApply(st -> StatsResponse.newBuilder().setStats(StatsConverter.toAny(st, cgroups)).build()));
    }

    @Override
    public void connect(ConnectRequest r, StreamObserver<ConnectResponse> o) {
        reply(o, "Connect " + r.getId(), () -> host.current()
                .map(s -> s.taskPid(r.getId())).orElseGet(() -> CompletableFuture.completedFuture(0))
                .thenApply(pid -> ConnectResponse.newBuilder().setShimPid((int) ProcessHandle.current().pid())
                        .setTaskPid(pid).build()));
    }

    @Override
    public void shutdown(ShutdownRequest r, StreamObserver<Empty> o) {
        reply(o, "Shutdown " + r.getId(), () -> host.stopIfEmpty(false).thenApply(exit -> {
            if (exit) {
                // After the reply is queued: the connection closes behind it when the server stops.
                CompletableFuture.delayedExecutor(50, java.util.concurrent.TimeUnit.MILLISECONDS).execute(() ->
                        shutdown.requestShutdown("Shutdown RPC for " + r.getId() + " and no task left"));
            }
            return EMPTY;
        }));
    }

    // ------------------------------------------------------------------------------------------------ plumbing

    private <T> void on(StreamObserver<T> o, String rpc, String id, Function<Sandbox, CompletableFuture<T>> call) {
        reply(o, rpc + " " + id, () -> call.apply(host.require(id)));
    }

    private static <T> void reply(StreamObserver<T> o, String what, Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> f;
        try {
            f = call.get();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((v, e) -> {
            if (e != null) {
                var status = TaskErrors.toStatus(e);
                log.info("{}: {}", what, status.getStatus());
                o.onError(status);
            } else {
                log.debug("{}: ok", what);
                o.onNext(v);
                o.onCompleted();
            }
        });
    }

    static Timestamp timestamp(java.time.Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }
}
