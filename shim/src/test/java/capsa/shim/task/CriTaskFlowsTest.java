package capsa.shim.task;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.proto.containerd.events.TaskExit;
import capsa.proto.containerd.events.TaskOOM;
import capsa.proto.containerd.task.v2.CreateTaskRequest;
import capsa.proto.containerd.task.v2.ExecProcessRequest;
import capsa.proto.containerd.task.v2.PidsRequest;
import capsa.proto.containerd.task.v2.StartRequest;
import capsa.proto.containerd.task.v2.StatsRequest;
import capsa.proto.containerd.task.v2.WaitRequest;
import capsa.proto.containerd.task.v2.WaitResponse;
import capsa.proto.util.AnyCodec;
import capsa.shim.daemon.ShutdownService;
import capsa.shim.spec.OciSpecReader;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What CRI needs beyond ctr: OOM events before exits, init exits after exec exits, exec pids, v2 stats. */
class CriTaskFlowsTest {

    private static final String LIMITED = """
            {"ociVersion":"1.0.2","process":{"args":["sh"],"cwd":"/","user":{"uid":0,"gid":0}},
             "root":{"path":"rootfs"},
             "annotations":{"io.kubernetes.cri.container-type":"container","io.kubernetes.cri.sandbox-id":"sb1"},
             "linux":{"cgroupsPath":"/k8s.io/c1","resources":{"memory":{"limit":33554432}},
                      "namespaces":[{"type":"pid"},{"type":"mount"}]}}
            """;
    private static final String EXEC = "{\"args\":[\"sleep\",\"1d\"],\"cwd\":\"/\"}";

    @TempDir
    Path tmp;

    private final FakeSandboxLauncher launcher = new FakeSandboxLauncher();
    private final RecordingEventPublisher events = new RecordingEventPublisher();
    private ExecutorService blocking;

    @BeforeEach
    void setUp() {
        blocking = Executors.newCachedThreadPool();
    }

    @AfterEach
    void tearDown() throws Exception {
        blocking.shutdownNow();
        blocking.awaitTermination(5, TimeUnit.SECONDS);
    }

    private TaskService service(HostCgroups cgroups) {
        SandboxHost host = new SandboxHost("sb1", tmp.resolve("run/sb1/shared"), new RecordingMounter(), launcher,
                events, blocking, Clock.systemUTC());
        return new TaskService(host, new TaskRequests(new OciSpecReader(new ObjectMapper())), new ShutdownService(),
                cgroups);
    }

    private TaskService started(HostCgroups cgroups) throws Exception {
        TaskService service = service(cgroups);
        Path bundle = Files.createDirectories(tmp.resolve("bundles/c1"));
        Files.writeString(bundle.resolve("config.json"), LIMITED);
        Rpc.ok(service::create, CreateTaskRequest.newBuilder().setId("c1").setBundle(bundle.toString()).build());
        Rpc.ok(service::start, StartRequest.newBuilder().setId("c1").build());
        return service;
    }

    private static CompletableFuture<WaitResponse> waitFor(TaskService service, String exec) {
        return Rpc.call(service::wait, WaitRequest.newBuilder().setId("c1").setExecId(exec).build());
    }

    @Test
    void anOomKillIsPublishedBeforeTheExitItCausesEvenWhenTheAgentReportsItLate() throws Exception {
        TaskService service = started(HostCgroups.V1);
        CompletableFuture<WaitResponse> wait = waitFor(service, "");

        launcher.agent.exit("c1", "c1", 137);
        Thread.sleep(200); // the agent's OOM poll lags the exit: the shim must hold the exit back for it
        assertThat(wait).isNotDone();
        launcher.agent.oom("c1");

        assertThat(wait.get(20, TimeUnit.SECONDS).getExitStatus()).isEqualTo(137);
        assertThat(events.names()).containsSubsequence("TaskStart", "TaskOOM", "TaskExit");
        assertThat(((TaskOOM) find(TaskOOM.class)).getContainerId()).isEqualTo("c1");
    }

    @Test
    void aSigkillWithoutOomReportStillExitsAfterTheBoundedWait() throws Exception {
        TaskService service = started(HostCgroups.V1);

        launcher.agent.exit("c1", "c1", 137);

        assertThat(waitFor(service, "").get(20, TimeUnit.SECONDS).getExitStatus()).isEqualTo(137);
        assertThat(events.names()).doesNotContain("TaskOOM");
    }

    @Test
    void theInitExitComesAfterTheExitsOfItsExecs() throws Exception {
        TaskService service = started(HostCgroups.V1);
        Rpc.ok(service::exec, ExecProcessRequest.newBuilder().setId("c1").setExecId("e1")
                .setSpec(AnyCodec.json(TaskRequests.PROCESS_URL, EXEC)).build());
        Rpc.ok(service::start, StartRequest.newBuilder().setId("c1").setExecId("e1").build());
        CompletableFuture<WaitResponse> init = waitFor(service, "");

        launcher.agent.exit("c1", "c1", 0);
        Thread.sleep(200);
        assertThat(init).as("the init waits for its running exec").isNotDone();
        launcher.agent.exit("c1", "e1", 137);

        assertThat(init.get(20, TimeUnit.SECONDS).getExitStatus()).isZero();
        assertThat(events.events.stream().filter(e -> e instanceof TaskExit).map(e -> ((TaskExit) e).getId()))
                .containsExactly("e1", "c1");
    }

    @Test
    void pidsNameTheExecOfEachProcess() throws Exception {
        TaskService service = started(HostCgroups.V1);
        Rpc.ok(service::exec, ExecProcessRequest.newBuilder().setId("c1").setExecId("e1")
                .setSpec(AnyCodec.json(TaskRequests.PROCESS_URL, EXEC)).build());
        Rpc.ok(service::start, StartRequest.newBuilder().setId("c1").setExecId("e1").build());

        var processes = Rpc.ok(service::pids, PidsRequest.newBuilder().setId("c1").build()).getProcessesList();

        assertThat(processes).hasSize(2).allMatch(p -> p.getPid() == FakeSandboxLauncher.VM_PID);
        assertThat(processes.get(0).hasInfo()).isFalse();
        assertThat(processes.get(1).getInfo()).isEqualTo(ProcessDetails.pack("e1"));
    }

    @Test
    void statsOnACgroupV2HostAreV2Metrics() throws Exception {
        TaskService service = started(HostCgroups.V2);

        var stats = Rpc.ok(service::stats, StatsRequest.newBuilder().setId("c1").build()).getStats();

        assertThat(stats.getTypeUrl()).isEqualTo("io.containerd.cgroups.v2.Metrics");
        var metrics = capsa.proto.io.containerd.cgroups.v2.Metrics.parseFrom(stats.getValue());
        assertThat(metrics.getCpu().getUsageUsec()).isEqualTo(12); // 12345 ns
        assertThat(metrics.getMemory().getUsage()).isEqualTo(4096);
    }

    private Message find(Class<? extends Message> type) {
        return events.events.stream().filter(type::isInstance).findFirst().orElseThrow();
    }
}
