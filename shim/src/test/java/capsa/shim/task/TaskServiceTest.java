package capsa.shim.task;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.proto.containerd.events.TaskExit;
import capsa.proto.containerd.task.v2.CheckpointTaskRequest;
import capsa.proto.containerd.task.v2.CloseIORequest;
import capsa.proto.containerd.task.v2.ConnectRequest;
import capsa.proto.containerd.task.v2.CreateTaskRequest;
import capsa.proto.containerd.task.v2.DeleteRequest;
import capsa.proto.containerd.task.v2.ExecProcessRequest;
import capsa.proto.containerd.task.v2.KillRequest;
import capsa.proto.containerd.task.v2.PauseRequest;
import capsa.proto.containerd.task.v2.PidsRequest;
import capsa.proto.containerd.task.v2.ResumeRequest;
import capsa.proto.containerd.task.v2.ShutdownRequest;
import capsa.proto.containerd.task.v2.StartRequest;
import capsa.proto.containerd.task.v2.StateRequest;
import capsa.proto.containerd.task.v2.StatsRequest;
import capsa.proto.containerd.task.v2.UpdateTaskRequest;
import capsa.proto.containerd.task.v2.WaitRequest;
import capsa.proto.containerd.task.v2.WaitResponse;
import capsa.proto.containerd.types.Mount;
import capsa.proto.containerd.v1.types.Status;
import capsa.proto.util.AnyCodec;
import capsa.shim.daemon.ShutdownService;
import capsa.shim.spec.OciSpecReader;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status.Code;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Task handlers over a fake agent and hypervisor: semantics, event order and error codes (reference §2). */
class TaskServiceTest {

    private static final String SPEC = """
            {"ociVersion":"1.0.2","process":{"args":["sh"],"cwd":"/","user":{"uid":0,"gid":0}},
             "root":{"path":"rootfs"},"hostname":"c1",
             "linux":{"namespaces":[{"type":"pid"},{"type":"network"},{"type":"mount"}]}}
            """;

    @TempDir
    Path tmp;

    private final FakeSandboxLauncher launcher = new FakeSandboxLauncher();
    private final RecordingMounter mounter = new RecordingMounter();
    private final RecordingEventPublisher events = new RecordingEventPublisher();
    private final ShutdownService shutdown = new ShutdownService();
    private ExecutorService blocking;
    private TaskService service;
    private Path bundle;

    @BeforeEach
    void setUp() throws Exception {
        blocking = Executors.newCachedThreadPool();
        SandboxHost host = new SandboxHost("sb1", tmp.resolve("run/sb1/shared"), mounter, launcher, events, blocking,
                Clock.systemUTC());
        service = new TaskService(host, new TaskRequests(new OciSpecReader(new ObjectMapper())), shutdown);
        bundle = bundle("c1", SPEC);
    }

    @AfterEach
    void tearDown() throws Exception {
        blocking.shutdownNow();
        blocking.awaitTermination(5, TimeUnit.SECONDS);
    }

    private Path bundle(String id, String spec) throws Exception {
        Path b = Files.createDirectories(tmp.resolve("bundles").resolve(id));
        Files.writeString(b.resolve("config.json"), spec);
        return b;
    }

    private CreateTaskRequest create(String id, Path b) {
        return CreateTaskRequest.newBuilder().setId(id).setBundle(b.toString())
                .addRootfs(Mount.newBuilder().setType("overlay").setSource("overlay").addOptions("lowerdir=/x"))
                .build();
    }

    private void createAndStart() throws Exception {
        assertThat(Rpc.ok(service::create, create("c1", bundle)).getPid()).isEqualTo(FakeSandboxLauncher.VM_PID);
        assertThat(Rpc.ok(service::start, StartRequest.newBuilder().setId("c1").build()).getPid())
                .isEqualTo(FakeSandboxLauncher.VM_PID);
    }

    private Status state(String id, String exec) throws Exception {
        return Rpc.ok(service::state, StateRequest.newBuilder().setId(id).setExecId(exec).build()).getStatus();
    }

    @Test
    void lifecycleOfOneTaskPublishesEventsInOrderAndWaitDoesNotBlockOtherCalls() throws Exception {
        assertThat(Rpc.ok(service::create, create("c1", bundle)).getPid()).isEqualTo(FakeSandboxLauncher.VM_PID);
        assertThat(state("c1", "")).isEqualTo(Status.CREATED);
        assertThat(Rpc.ok(service::connect, ConnectRequest.newBuilder().setId("c1").build()).getTaskPid())
                .isEqualTo(FakeSandboxLauncher.VM_PID);
        CompletableFuture<WaitResponse> wait = Rpc.call(service::wait, WaitRequest.newBuilder().setId("c1").build());
        Rpc.ok(service::start, StartRequest.newBuilder().setId("c1").build());
        assertThat(state("c1", "")).isEqualTo(Status.RUNNING);
        assertThat(wait).isNotDone();

        launcher.agent.exit("c1", "c1", 3);
        assertThat(wait.get(20, TimeUnit.SECONDS).getExitStatus()).isEqualTo(3);
        assertThat(state("c1", "")).isEqualTo(Status.STOPPED);
        assertThat(Rpc.code(service::kill, KillRequest.newBuilder().setId("c1").setSignal(15).build()))
                .isEqualTo(Code.NOT_FOUND);
        assertThat(Rpc.ok(service::delete, DeleteRequest.newBuilder().setId("c1").build()).getExitStatus())
                .isEqualTo(3);

        assertThat(events.names()).containsExactly("TaskCreate", "TaskStart", "TaskExit", "TaskDelete");
        TaskExit exit = (TaskExit) events.events.get(2);
        assertThat(exit.getId()).isEqualTo("c1");
        assertThat(exit.getExitStatus()).isEqualTo(3);
        assertThat(launcher.agent.calls).contains("CreateSandbox sb1", "CreateContainer c1", "StartContainer c1",
                "RemoveContainer c1");
        // The rootfs went onto <bundle>/rootfs, was bound into the share, and both were undone by Delete.
        assertThat(mounter.calls).contains("mount overlay " + bundle.resolve("rootfs"),
                "unmount " + bundle.resolve("rootfs"));
        assertThat(mounter.calls).anyMatch(c -> c.startsWith("bind " + bundle.resolve("rootfs") + " ")
                && c.endsWith("shared/c1/rootfs"));
    }

    @Test
    void theGuestSeesTheRewrittenSpec() throws Exception {
        Rpc.ok(service::create, create("c1", bundle));
        var spec = launcher.agent.specs.get("c1");
        assertThat(spec.getRoot().getPath()).isEqualTo("/run/kata-containers/shared/containers/c1/rootfs");
        assertThat(spec.getLinux().getNamespacesList()).extracting(n -> n.getType())
                .containsExactly("pid", "mount");
    }

    @Test
    void errorCodesFollowTheTaskApi() throws Exception {
        assertThat(Rpc.code(service::start, StartRequest.newBuilder().setId("nope").build()))
                .isEqualTo(Code.NOT_FOUND);
        createAndStart();
        assertThat(Rpc.code(service::state, StateRequest.newBuilder().setId("c1").setExecId("x").build()))
                .isEqualTo(Code.NOT_FOUND);
        assertThat(Rpc.code(service::delete, DeleteRequest.newBuilder().setId("c1").build()))
                .isEqualTo(Code.FAILED_PRECONDITION);
        assertThat(Rpc.code(service::checkpoint, CheckpointTaskRequest.newBuilder().setId("c1").build()))
                .isEqualTo(Code.UNIMPLEMENTED);
        assertThat(Rpc.code(service::update, UpdateTaskRequest.newBuilder().setId("c1")
                .setResources(AnyCodec.json(TaskRequests.RESOURCES_URL, "not json")).build()))
                .isEqualTo(Code.INVALID_ARGUMENT);
        ExecProcessRequest exec = ExecProcessRequest.newBuilder().setId("c1").setExecId("e1")
                .setSpec(AnyCodec.json(TaskRequests.PROCESS_URL, "{\"args\":[\"ls\"],\"cwd\":\"/\"}")).build();
        Rpc.ok(service::exec, exec);
        assertThat(Rpc.code(service::exec, exec)).isEqualTo(Code.ALREADY_EXISTS);
        assertThat(Rpc.code(service::kill, KillRequest.newBuilder().setId("c1").setExecId("e1").setSignal(9).build()))
                .isEqualTo(Code.FAILED_PRECONDITION);
    }

    @Test
    void execLifecycleAndKillAll() throws Exception {
        createAndStart();
        Rpc.ok(service::exec, ExecProcessRequest.newBuilder().setId("c1").setExecId("e1")
                .setSpec(AnyCodec.json(TaskRequests.PROCESS_URL, "{\"args\":[\"ls\"],\"cwd\":\"/\"}")).build());
        assertThat(state("c1", "e1")).isEqualTo(Status.CREATED);
        Rpc.ok(service::start, StartRequest.newBuilder().setId("c1").setExecId("e1").build());
        assertThat(state("c1", "e1")).isEqualTo(Status.RUNNING);
        CompletableFuture<WaitResponse> execWait = Rpc.<WaitRequest, WaitResponse>call(service::wait, WaitRequest.newBuilder().setId("c1").setExecId("e1").build());
        Rpc.ok(service::kill, KillRequest.newBuilder().setId("c1").setSignal(9).setAll(true).build());
        assertThat(launcher.agent.calls).contains("SignalProcess c1/e1 9", "SignalProcess c1/ 9");
        launcher.agent.exit("c1", "e1", 137);
        assertThat(execWait.get(20, TimeUnit.SECONDS).getExitStatus()).isEqualTo(137);
        Rpc.ok(service::delete, DeleteRequest.newBuilder().setId("c1").setExecId("e1").build());
        assertThat(events.names()).containsSubsequence("TaskExecAdded", "TaskExecStarted", "TaskExit", "TaskDelete");
        assertThat(Rpc.code(service::state, StateRequest.newBuilder().setId("c1").setExecId("e1").build()))
                .isEqualTo(Code.NOT_FOUND);
    }

    @Test
    void pauseResumeUpdateStatsPidsCloseIo() throws Exception {
        createAndStart();
        Rpc.ok(service::pause, PauseRequest.newBuilder().setId("c1").build());
        assertThat(state("c1", "")).isEqualTo(Status.PAUSED);
        Rpc.ok(service::resume, ResumeRequest.newBuilder().setId("c1").build());
        assertThat(state("c1", "")).isEqualTo(Status.RUNNING);
        assertThat(events.names()).containsSubsequence("TaskPaused", "TaskResumed");

        Rpc.ok(service::update, UpdateTaskRequest.newBuilder().setId("c1").setResources(AnyCodec.json(
                TaskRequests.RESOURCES_URL, "{\"memory\":{\"limit\":1048576},\"cpu\":{\"cpus\":\"0-3\"}}")).build());
        assertThat(launcher.agent.lastUpdate.getMemory().getLimit()).isEqualTo(1048576);
        assertThat(launcher.agent.lastUpdate.getCPU().getCpus()).isEmpty();

        var stats = Rpc.ok(service::stats, StatsRequest.newBuilder().setId("c1").build()).getStats();
        assertThat(stats.getTypeUrl()).isEqualTo("io.containerd.cgroups.v1.Metrics");
        var metrics = capsa.proto.io.containerd.cgroups.v1.Metrics.parseFrom(stats.getValue());
        assertThat(metrics.getCpu().getUsage().getTotal()).isEqualTo(12345);
        assertThat(metrics.getMemory().getUsage().getUsage()).isEqualTo(4096);

        assertThat(Rpc.ok(service::pids, PidsRequest.newBuilder().setId("c1").build()).getProcessesList())
                .extracting(p -> p.getPid()).containsExactly(FakeSandboxLauncher.VM_PID);
        Rpc.ok(service::closeIO, CloseIORequest.newBuilder().setId("c1").setStdin(true).build());
    }

    @Test
    void vmDeathEndsEveryProcessAndShutdownThenStopsTheSandbox() throws Exception {
        createAndStart();
        Rpc.ok(service::exec, ExecProcessRequest.newBuilder().setId("c1").setExecId("e1")
                .setSpec(AnyCodec.json(TaskRequests.PROCESS_URL, "{\"args\":[\"sleep\",\"1d\"]}")).build());
        Rpc.ok(service::start, StartRequest.newBuilder().setId("c1").setExecId("e1").build());
        CompletableFuture<WaitResponse> initWait = Rpc.<WaitRequest, WaitResponse>call(service::wait, WaitRequest.newBuilder().setId("c1").build());
        CompletableFuture<WaitResponse> execWait = Rpc.<WaitRequest, WaitResponse>call(service::wait, WaitRequest.newBuilder().setId("c1").setExecId("e1").build());

        launcher.killVm();
        assertThat(initWait.get(20, TimeUnit.SECONDS).getExitStatus()).isEqualTo(255);
        assertThat(execWait.get(20, TimeUnit.SECONDS).getExitStatus()).isEqualTo(255);
        assertThat(events.events.stream().filter(e -> e instanceof TaskExit).map(e -> ((TaskExit) e).getId()))
                .containsExactly("e1", "c1");

        Rpc.ok(service::shutdown, ShutdownRequest.newBuilder().setId("c1").build());
        assertThat(shutdown.isShutdownRequested()).isFalse();
        Rpc.ok(service::delete, DeleteRequest.newBuilder().setId("c1").setExecId("e1").build());
        Rpc.ok(service::delete, DeleteRequest.newBuilder().setId("c1").build());
        Rpc.ok(service::shutdown, ShutdownRequest.newBuilder().setId("c1").build());
        assertThat(shutdown.awaitShutdownRequest(10_000)).isTrue();
        assertThat(launcher.stops.get()).isPositive();
        assertThat(Files.exists(tmp.resolve("run/sb1/shared"))).isFalse();
    }

    @Test
    void createFailuresLeaveNothingBehind() throws Exception {
        Path bad = bundle("bad", "{ not json");
        assertThat(Rpc.code(service::create, create("bad", bad))).isEqualTo(Code.INVALID_ARGUMENT);
        assertThat(launcher.launches.get()).isZero();

        launcher.agentUnreachable = true;
        assertThat(Rpc.code(service::create, create("c1", bundle))).isEqualTo(Code.UNAVAILABLE);
        assertThat(Files.exists(tmp.resolve("run/sb1"))).isFalse();
        assertThat(mounter.calls).noneMatch(c -> c.startsWith("mount"));
    }

    @Test
    void emptyShimShutsDownOnShutdown() throws Exception {
        Rpc.ok(service::shutdown, ShutdownRequest.newBuilder().setId("x").build());
        assertThat(shutdown.awaitShutdownRequest(10_000)).isTrue();
        assertThat(List.of(launcher.launches.get())).containsExactly(0);
    }
}
