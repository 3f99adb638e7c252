package capsa.agent.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import capsa.agent.testing.BusyboxRootfs;
import capsa.agent.testing.HostAgent;
import capsa.agent.testing.HostNatives;
import capsa.agent.testing.RecordingMounter;
import capsa.agent.testing.Specs;
import capsa.proto.agent.AgentServiceGrpc;
import capsa.proto.agent.AgentServiceGrpc.AgentServiceBlockingStub;
import capsa.proto.agent.CheckRequest;
import capsa.proto.agent.CreateContainerRequest;
import capsa.proto.agent.CreateSandboxRequest;
import capsa.proto.agent.DestroySandboxRequest;
import capsa.proto.agent.ExecProcessRequest;
import capsa.proto.agent.GetOOMEventRequest;
import capsa.proto.agent.GuestDetailsRequest;
import capsa.proto.agent.HealthCheckResponse;
import capsa.proto.agent.HealthGrpc;
import capsa.proto.agent.GetIPTablesRequest;
import capsa.proto.agent.OOMEvent;
import capsa.proto.agent.ReadStreamRequest;
import capsa.proto.agent.SignalProcessRequest;
import capsa.proto.agent.StartContainerRequest;
import capsa.proto.agent.StatsContainerRequest;
import capsa.proto.agent.StatsContainerResponse;
import capsa.proto.agent.Storage;
import capsa.proto.agent.TtyWinResizeRequest;
import capsa.proto.agent.UpdateContainerRequest;
import capsa.proto.agent.WaitProcessRequest;
import capsa.proto.agent.WriteStreamRequest;
import capsa.proto.agent.CloseStdinRequest;
import capsa.proto.oci.LinuxMemory;
import capsa.proto.oci.LinuxResources;
import capsa.proto.oci.Root;
import capsa.proto.oci.Spec;
import capsa.ttrpc.client.TtrpcClient;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The whole agent over real ttrpc on a Unix socket, with real runc on the host. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AgentRpcHostTest {
  private HostAgent agent;
  private TtrpcClient client;
  private AgentServiceBlockingStub stub;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(BusyboxRootfs.available(), "needs /bin/busybox and /usr/sbin/runc");
    assumeTrue(HostNatives.posix().libc().kill(1, 0) == 0, "needs root");
    agent = new HostAgent(256 * 1024);
    client = agent.connect();
    stub = AgentServiceGrpc.newBlockingStub(client);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close();
    }
    if (agent != null) {
      agent.close();
    }
  }

  private AgentServiceBlockingStub call() {
    return stub.withDeadlineAfter(90, TimeUnit.SECONDS);
  }

  private void createSandbox() {
    call()
        .createSandbox(
            CreateSandboxRequest.newBuilder()
                .setSandboxId("sb1")
                .setHostname("pod-1")
                .addDns("nameserver 10.0.0.10")
                .addDns("search default.svc.cluster.local")
                .addStorages(
                    Storage.newBuilder()
                        .setDriver("9p")
                        .setSource("kataShared")
                        .setFstype("9p")
                        .addOptions("msize=262144")
                        .setMountPoint(agent.paths.sharedContainers().toString()))
                .build());
  }

  private void createAndStart(String id, Spec spec) throws Exception {
    agent.rootfs(id);
    call().createContainer(CreateContainerRequest.newBuilder().setContainerId(id).setExecId(id).setOCI(spec).build());
    call().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
  }

  private String readAll(String id, String execId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      ByteString data =
          call()
              .readStdout(ReadStreamRequest.newBuilder().setContainerId(id).setExecId(execId).setLen(32768).build())
              .getData();
      if (data.isEmpty()) {
        return out.toString(StandardCharsets.UTF_8);
      }
      out.writeBytes(data.toByteArray());
    }
  }

  private int waitProcess(String id, String execId) {
    return call().waitProcess(WaitProcessRequest.newBuilder().setContainerId(id).setExecId(execId).build()).getStatus();
  }

  private static void assertCode(Runnable call, Status.Code code, String messagePart) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(e.getStatus().getDescription()).contains(messagePart);
            });
  }

  @Test
  void sandboxLifecycleAndBadInput() throws Exception {
    assertThat(HealthGrpc.newBlockingStub(client).check(CheckRequest.getDefaultInstance()).getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertCode(
        () -> call().createContainer(CreateContainerRequest.newBuilder().setContainerId("c0").setOCI(Specs.spec(false, "/bin/true")).build()),
        Status.Code.FAILED_PRECONDITION,
        "CreateSandbox");

    createSandbox();
    assertThat(agent.system.calls()).contains("hostname pod-1");
    assertThat(Files.readString(agent.paths.resolvConf()))
        .isEqualTo("nameserver 10.0.0.10\nsearch default.svc.cluster.local\n");
    assertThat(agent.mounter.calls())
        .contains(
            new RecordingMounter.Call(
                "mount", "kataShared", agent.paths.sharedContainers(), "9p", 0,
                "msize=262144,trans=virtio,version=9p2000.L"));
    assertCode(this::createSandbox, Status.Code.ALREADY_EXISTS, "sb1");

    assertCode(
        () -> call().createContainer(CreateContainerRequest.newBuilder().setContainerId("c1").setExecId("c1")
            .setOCI(Specs.spec(false, "/bin/true"))
            .addStorages(Storage.newBuilder().setDriver("nbd-magic").setMountPoint("/x")).build()),
        Status.Code.INVALID_ARGUMENT,
        "nbd-magic");
    assertCode(
        () -> call().createContainer(CreateContainerRequest.newBuilder().setContainerId("c1").setExecId("c1")
            .setOCI(Specs.spec(false, "/bin/true").toBuilder().setRoot(Root.newBuilder().setPath("/no/such/rootfs"))).build()),
        Status.Code.INVALID_ARGUMENT,
        "/no/such/rootfs");
    assertCode(
        () -> call().startContainer(StartContainerRequest.newBuilder().setContainerId("ghost").build()),
        Status.Code.NOT_FOUND,
        "ghost");
    assertCode(
        () -> call().getIPTables(GetIPTablesRequest.getDefaultInstance()),
        Status.Code.UNIMPLEMENTED,
        "GetIPTables");

    Files.createDirectories(agent.paths.sysfs().resolve("devices/system/memory"));
    Files.writeString(agent.paths.sysfs().resolve("devices/system/memory/block_size_bytes"), "8000000\n");
    var details = call().getGuestDetails(GuestDetailsRequest.newBuilder().setMemBlockSize(true).setMemHotplugProbe(true).build());
    assertThat(details.getMemBlockSizeBytes()).isEqualTo(0x8000000L);
    assertThat(details.getAgentDetails().getStorageHandlersList()).contains("9p", "virtio-fs", "ephemeral", "local", "blk");

    call().destroySandbox(DestroySandboxRequest.getDefaultInstance());
    agent.system.poweredOff.get(30, TimeUnit.SECONDS);
    assertThat(agent.mounter.calls()).anyMatch(c -> c.op().equals("umount") && c.target().equals(agent.paths.sharedContainers()));
  }

  @Test
  void containerOverTheWire() throws Exception {
    createSandbox();
    createAndStart("web", Specs.spec(false, "/bin/sh", "-c", "echo hello"));
    assertThat(readAll("web", "web")).isEqualTo("hello\n");
    assertThat(waitProcess("web", "web")).isZero();
    assertCode(
        () -> call().createContainer(CreateContainerRequest.newBuilder().setContainerId("web").setExecId("web")
            .setOCI(Specs.spec(false, "/bin/true")).build()),
        Status.Code.ALREADY_EXISTS,
        "web");

    createAndStart("svc", Specs.spec(false, "/bin/sleep", "1000"));
    call().execProcess(ExecProcessRequest.newBuilder().setContainerId("svc").setExecId("cat")
        .setProcess(Specs.process(false, "/bin/cat")).build());
    call().writeStdin(WriteStreamRequest.newBuilder().setContainerId("svc").setExecId("cat")
        .setData(ByteString.copyFromUtf8("through-cat\n")).build());
    call().closeStdin(CloseStdinRequest.newBuilder().setContainerId("svc").setExecId("cat").build());
    assertThat(readAll("svc", "cat")).isEqualTo("through-cat\n");
    assertThat(waitProcess("svc", "cat")).isZero();

    call().execProcess(ExecProcessRequest.newBuilder().setContainerId("svc").setExecId("tty")
        .setProcess(Specs.process(true, "/bin/sh", "-c", "read x; stty size")).build());
    call().ttyWinResize(TtyWinResizeRequest.newBuilder().setContainerId("svc").setExecId("tty").setRow(40).setColumn(132).build());
    call().writeStdin(WriteStreamRequest.newBuilder().setContainerId("svc").setExecId("tty")
        .setData(ByteString.copyFromUtf8("go\n")).build());
    assertThat(readAll("svc", "tty")).contains("40 132");
    assertThat(waitProcess("svc", "tty")).isZero();

    // Stats, limits and OOM events read the cgroup v2 files; on this v1 host they are a fake tree.
    Path cg = Files.createDirectories(agent.cgroupDir("svc"));
    Files.writeString(cg.resolve("memory.current"), "1048576\n");
    Files.writeString(cg.resolve("memory.stat"), "anon 4096\nfile 8192\n");
    Files.writeString(cg.resolve("memory.events"), "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
    Files.writeString(cg.resolve("cpu.stat"), "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n");
    Files.writeString(cg.resolve("pids.current"), "3\n");
    Files.writeString(cg.resolve("io.stat"), "8:0 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n");
    StatsContainerResponse stats = call().statsContainer(StatsContainerRequest.newBuilder().setContainerId("svc").build());
    assertThat(stats.getCgroupStats().getMemoryStats().getUsage().getUsage()).isEqualTo(1048576);
    assertThat(stats.getCgroupStats().getMemoryStats().getStatsMap()).containsEntry("file", 8192L);
    assertThat(stats.getCgroupStats().getCpuStats().getCpuUsage().getTotalUsage()).isEqualTo(1_500_000);
    assertThat(stats.getCgroupStats().getPidsStats().getCurrent()).isEqualTo(3);
    assertThat(stats.getCgroupStats().getBlkioStats().getIoServiceBytesRecursiveList()).hasSize(2);

    call().updateContainer(UpdateContainerRequest.newBuilder().setContainerId("svc")
        .setResources(LinuxResources.newBuilder().setMemory(LinuxMemory.newBuilder().setLimit(33554432))).build());
    assertThat(Files.readString(cg.resolve("memory.max"))).isEqualTo("33554432");

    var oomStub = AgentServiceGrpc.newFutureStub(client);
    var oom = oomStub.getOOMEvent(GetOOMEventRequest.getDefaultInstance());
    Files.writeString(cg.resolve("memory.events"), "low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\n");
    assertThat(oom.get(60, TimeUnit.SECONDS)).isEqualTo(OOMEvent.newBuilder().setContainerId("svc").build());

    call().signalProcess(SignalProcessRequest.newBuilder().setContainerId("svc").setExecId("").setSignal(9).build());
    assertThat(waitProcess("svc", "svc")).isEqualTo(137);
  }

  @Test
  void floodOfUnreadOutputKeepsAgentAnsweringAndHostDisconnectIsSurvived() throws Exception {
    createSandbox();
    createAndStart("flood", Specs.spec(false, "/bin/dd", "if=/dev/zero", "bs=1048576", "count=200"));
    var buffer = agent.runtime.containers().registry().get("flood").init().io().stdout();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (buffer.buffered() < buffer.capacity() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(buffer.buffered()).isEqualTo(buffer.capacity());
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 20; i++) {
      assertThat(HealthGrpc.newBlockingStub(client).withDeadlineAfter(30, TimeUnit.SECONDS)
          .check(CheckRequest.getDefaultInstance()).getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }
    System.gc();
    assertThat(rt.totalMemory() - rt.freeMemory()).as("heap in use after GC").isLessThan(100L * 1024 * 1024);

    // A host that disconnects in the middle of long polls does not hurt the agent.
    var pending = AgentServiceGrpc.newFutureStub(client)
        .waitProcess(WaitProcessRequest.newBuilder().setContainerId("flood").setExecId("flood").build());
    client.close();
    assertThatThrownBy(() -> pending.get(30, TimeUnit.SECONDS)).isNotNull();
    client = agent.connect();
    stub = AgentServiceGrpc.newBlockingStub(client);
    assertThat(HealthGrpc.newBlockingStub(client).check(CheckRequest.getDefaultInstance()).getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    call().signalProcess(SignalProcessRequest.newBuilder().setContainerId("flood").setSignal(9).build());
    assertThat(waitProcess("flood", "flood")).isEqualTo(137);
  }

  @Test
  void sandboxPidNamespaceIsSharedWhenAsked() throws Exception {
    call().createSandbox(CreateSandboxRequest.newBuilder().setSandboxId("sb-pid").setSandboxPidns(true).build());
    for (String id : List.of("p1", "p2")) {
      agent.rootfs(id);
      call().createContainer(CreateContainerRequest.newBuilder().setContainerId(id).setExecId(id).setSandboxPidns(true)
          .setOCI(Specs.spec(false, "/bin/sleep", "1000")).build());
      call().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
    }
    agent.rootfs("solo");
    call().createContainer(CreateContainerRequest.newBuilder().setContainerId("solo").setExecId("solo")
        .setOCI(Specs.spec(false, "/bin/sleep", "1000")).build());
    call().startContainer(StartContainerRequest.newBuilder().setContainerId("solo").build());

    call().execProcess(ExecProcessRequest.newBuilder().setContainerId("p2").setExecId("ps")
        .setProcess(Specs.process(false, "/bin/ps", "-o", "pid,args")).build());
    String shared = readAll("p2", "ps");
    call().execProcess(ExecProcessRequest.newBuilder().setContainerId("solo").setExecId("ps")
        .setProcess(Specs.process(false, "/bin/ps", "-o", "pid,args")).build());
    String alone = readAll("solo", "ps");
    // Shared: the holder (pid 1) and both sleeps; alone: its own sleep as pid 1 only.
    assertThat(shared.lines().filter(l -> l.contains("sleep 1000")).count()).isEqualTo(2);
    assertThat(alone.lines().filter(l -> l.contains("sleep 1000")).count()).isEqualTo(1);
    assertThat(alone).containsPattern("\\s1 .*sleep 1000");
  }
}
