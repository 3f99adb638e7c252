package capsa.e2e.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import capsa.hypervisor.VmExit;
import capsa.proto.agent.AgentServiceGrpc;
import capsa.proto.agent.AgentServiceGrpc.AgentServiceBlockingStub;
import capsa.proto.agent.CheckRequest;
import capsa.proto.agent.CloseStdinRequest;
import capsa.proto.agent.CreateContainerRequest;
import capsa.proto.agent.CreateSandboxRequest;
import capsa.proto.agent.DestroySandboxRequest;
import capsa.proto.agent.ExecProcessRequest;
import capsa.proto.agent.GetOOMEventRequest;
import capsa.proto.agent.HealthCheckResponse;
import capsa.proto.agent.HealthGrpc;
import capsa.proto.agent.OOMEvent;
import capsa.proto.agent.ReadStreamRequest;
import capsa.proto.agent.SignalProcessRequest;
import capsa.proto.agent.StartContainerRequest;
import capsa.proto.agent.StatsContainerRequest;
import capsa.proto.agent.Storage;
import capsa.proto.agent.TtyWinResizeRequest;
import capsa.proto.agent.UpdateContainerRequest;
import capsa.proto.agent.WaitProcessRequest;
import capsa.proto.agent.WaitProcessResponse;
import capsa.proto.agent.WriteStreamRequest;
import capsa.proto.oci.LinuxMemory;
import capsa.proto.oci.LinuxResources;
import capsa.proto.oci.Process;
import capsa.proto.oci.Root;
import capsa.proto.oci.Spec;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * capsa-agent inside the real guest (microvm, QEMU/TCG, busybox rootfs over 9p, real runc in the guest), driven over
 * ttrpc on virtio-serial. One VM for the whole class: the checks run in order in one sandbox and the last one
 * powers the VM off with DestroySandbox. Timeouts are generous: under TCG on a loaded 2-core machine the guest runs
 * tens of times slower than the host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class AgentInGuestTest {
  private static final Logger log = LoggerFactory.getLogger(AgentInGuestTest.class);
  private static final String SHARED = "/run/kata-containers/shared/containers";
  private static final Pattern VM_RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
  private static final int SIGKILL = 9;
  private static final int SIGTERM = 15;

  private AgentVm vm;
  /** What a CreateContainer sent before CreateSandbox got (checked in {@link #badInputGetsTheRightStatus}). */
  private Throwable beforeSandbox;

  @BeforeAll
  void boot() throws Exception {
    vm = new AgentVm("agent-guest");
    beforeSandbox = catchThrowable(() -> call().createContainer(CreateContainerRequest.newBuilder()
        .setContainerId("early").setExecId("early").setOCI(GuestSpecs.spec("/bin/true")).build()));
    call().createSandbox(CreateSandboxRequest.newBuilder()
        .setSandboxId("sb-guest")
        .setHostname("capsa-pod")
        .setSandboxPidns(true)
        .addStorages(Storage.newBuilder().setDriver("9p").setSource("kataShared").setFstype("9p")
            .addOptions("trans=virtio").addOptions("version=9p2000.L").addOptions("msize=262144")
            .setMountPoint(SHARED))
        .build());
    // One long-lived container the exec checks use; it carries the guest tools (JRE, libraries, /guestproc).
    createAndStart("idle", GuestSpecs.withGuestTools(GuestSpecs.spec("/bin/sleep", "100000")), false);
  }

  @AfterAll
  void shutDown() throws Exception {
    if (vm != null) {
      vm.close();
    }
  }

  @Test
  @Order(1)
  void agentIsReadyAndItsStartIsMeasured() {
    assertThat(HealthGrpc.newBlockingStub(vm.client).withDeadlineAfter(60, TimeUnit.SECONDS)
        .check(CheckRequest.getDefaultInstance()).getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(vm.readyLine).startsWith("CAPSA-AGENT-READY uptime=");
    double init = vm.initStartUptime();
    double ready = vm.readyUptime();
    log.info("AGENT-GUEST-TIMING init-start={}s agent-ready={}s ready-after-init={}s", init, ready,
        String.format("%.2f", ready - init));
    assertThat(ready).isGreaterThan(init);
  }

  @Test
  @Order(2)
  void agentRssWithOneIdleContainer() throws Exception {
    String status = agentStatus("rss");
    assertThat(status).contains("Name:\tjava");
    Matcher m = VM_RSS.matcher(status);
    assertThat(m.find()).as("VmRSS in %s", status).isTrue();
    long rssKb = Long.parseLong(m.group(1));
    log.info("AGENT-GUEST-RSS {} kB ({} MiB) with one idle container; {}", rssKb, rssKb / 1024,
        status.lines().filter(l -> l.startsWith("Rss") || l.startsWith("Threads")).toList());
    assertThat(rssKb).isBetween(1024L, 512L * 1024);
    String threads = execOutput("idle", "threads", "/bin/sh", "-c", "cat /guestproc/1/task/*/comm | sort | uniq -c");
    log.info("AGENT-GUEST-THREADS {}", threads.lines().map(String::strip).toList());
  }

  @Test
  @Order(3)
  void containersReportOutputAndExitStatus() throws Exception {
    createAndStart("hello", GuestSpecs.spec("/bin/echo", "hello"), false);
    assertThat(readAll("hello", "hello")).isEqualTo("hello\n");
    assertThat(waitProcess("hello", "hello")).isZero();

    createAndStart("three", GuestSpecs.spec("/bin/sh", "-c", "exit 3"), false);
    assertThat(waitProcess("three", "three")).isEqualTo(3);

    createAndStart("killme", GuestSpecs.spec("/bin/sleep", "1000"), false);
    call().signalProcess(SignalProcessRequest.newBuilder().setContainerId("killme").setExecId("")
        .setSignal(SIGKILL).build());
    assertThat(waitProcess("killme", "killme")).isEqualTo(128 + SIGKILL);

    // A container init with a TERM trap, signalled as a shim does for `ctr task kill` (exec_id empty: every process).
    // Only once the trap is set: until then the kernel drops SIGTERM to a pid namespace's init, as it has no handler.
    createAndStart("trap", GuestSpecs.spec("/bin/sh", "-c",
        "trap 'exit 143' TERM; echo armed; while true; do sleep 1; done"), false);
    assertThat(readUntil("trap", "trap", "armed")).contains("armed");
    call().signalProcess(SignalProcessRequest.newBuilder().setContainerId("trap").setExecId("")
        .setSignal(SIGTERM).build());
    assertThat(waitProcess("trap", "trap")).isEqualTo(128 + SIGTERM);

    // SIGTERM has no default action for a pid namespace's init, so it goes to a sleep that is not pid 1: an exec.
    exec("idle", "term", GuestSpecs.process(false, "/bin/sleep", "1000"));
    call().signalProcess(SignalProcessRequest.newBuilder().setContainerId("idle").setExecId("term")
        .setSignal(SIGTERM).build());
    assertThat(waitProcess("idle", "term")).isEqualTo(128 + SIGTERM);
  }

  @Test
  @Order(4)
  void execStdinAndTerminal() throws Exception {
    exec("idle", "cat", GuestSpecs.process(false, "/bin/cat"));
    call().writeStdin(WriteStreamRequest.newBuilder().setContainerId("idle").setExecId("cat")
        .setData(ByteString.copyFromUtf8("through cat in the guest\n")).build());
    call().closeStdin(CloseStdinRequest.newBuilder().setContainerId("idle").setExecId("cat").build());
    assertThat(readAll("idle", "cat")).isEqualTo("through cat in the guest\n");
    assertThat(waitProcess("idle", "cat")).isZero();

    exec("idle", "tty", GuestSpecs.process(true, "/bin/sh", "-c", "read x; stty size"));
    call().ttyWinResize(TtyWinResizeRequest.newBuilder().setContainerId("idle").setExecId("tty")
        .setRow(41).setColumn(133).build());
    call().writeStdin(WriteStreamRequest.newBuilder().setContainerId("idle").setExecId("tty")
        .setData(ByteString.copyFromUtf8("go\n")).build());
    assertThat(readAll("idle", "tty")).contains("41 133");
    assertThat(waitProcess("idle", "tty")).isZero();
  }

  @Test
  @Order(5)
  void sandboxPidNamespaceIsSharedOnlyWhenAsked() throws Exception {
    createAndStart("p1", GuestSpecs.spec("/bin/sleep", "1001"), true);
    createAndStart("p2", GuestSpecs.spec("/bin/sleep", "1002"), true);
    createAndStart("solo", GuestSpecs.spec("/bin/sleep", "1003"), false);
    String shared = execOutput("p2", "ps", "/bin/ps", "-o", "pid,args");
    String alone = execOutput("solo", "ps", "/bin/ps", "-o", "pid,args");
    assertThat(shared).contains("sleep 1001", "sleep 1002").doesNotContain("sleep 1003");
    assertThat(alone).contains("sleep 1003").doesNotContain("sleep 1001", "sleep 1002");
    assertThat(alone).containsPattern("(?m)^\\s*1 .*sleep 1003");
    for (String id : List.of("p1", "p2", "solo")) {
      call().signalProcess(SignalProcessRequest.newBuilder().setContainerId(id).setSignal(SIGKILL).build());
      assertThat(waitProcess(id, id)).isEqualTo(128 + SIGKILL);
    }
  }

  @Test
  @Order(6)
  void memoryStatsMoveAndALimitEndsInAnOomEvent() throws Exception {
    createAndStart("mem", GuestSpecs.spec("/bin/sh", "-c",
        "read a; dd if=/dev/zero of=/tmp/fill bs=1048576 count=24 2>/dev/null; echo filled;"
            + " read b; dd if=/dev/zero of=/dev/null bs=64M count=1; echo after-oom; sleep 1000"), false);
    long before = memoryUsage("mem");
    write("mem", "mem", "go\n");
    assertThat(readUntil("mem", "mem", "filled")).contains("filled");
    long after = memoryUsage("mem");
    log.info("StatsContainer memory usage {} -> {} bytes after filling a 24 MiB tmpfs file", before, after);
    assertThat(after - before).isGreaterThan(16L << 20);

    call().updateContainer(UpdateContainerRequest.newBuilder().setContainerId("mem")
        .setResources(LinuxResources.newBuilder().setMemory(LinuxMemory.newBuilder().setLimit(after + (24L << 20))))
        .build());
    ListenableFuture<OOMEvent> oom = AgentServiceGrpc.newFutureStub(vm.client).withDeadlineAfter(5, TimeUnit.MINUTES)
        .getOOMEvent(GetOOMEventRequest.getDefaultInstance());
    write("mem", "mem", "go\n");
    assertThat(oom.get(5, TimeUnit.MINUTES).getContainerId()).isEqualTo("mem");
    assertThat(readUntil("mem", "mem", "after-oom")).contains("after-oom");
    call().signalProcess(SignalProcessRequest.newBuilder().setContainerId("mem").setSignal(SIGKILL).build());
    assertThat(waitProcess("mem", "mem")).isEqualTo(128 + SIGKILL);
  }

  @Test
  @Order(7)
  void javaTtrpcClientInsideTheGuestReachesTheAgentOverVsockLoopback() throws Exception {
    // Runs in the guest only: the probe connects to CID 1 (vsock_loopback), which on a host would mean the outer
    // hypervisor. The JRE and the agent jar come from the guest through the idle container's binds.
    String out = execOutput("idle", "vsock", "/capsa/jre/bin/java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Xshare:auto", "-Xmx48m", "-XX:-UsePerfData", "-cp", "/capsa/agent.jar",
        "capsa.agent.probe.VsockLoopbackProbe", "1024");
    assertThat(out).contains("VSOCK-PROBE check=SERVING").containsPattern("VSOCK-PROBE agent-version=\\S+");
  }

  @Test
  @Order(8)
  void badInputGetsTheRightStatus() throws Exception {
    assertStatus(beforeSandbox, Status.Code.FAILED_PRECONDITION, "CreateSandbox");
    assertStatus(catchThrowable(() -> call().createSandbox(CreateSandboxRequest.newBuilder().setSandboxId("again")
        .build())), Status.Code.ALREADY_EXISTS, "sb-guest");
    assertStatus(catchThrowable(() -> call().createContainer(CreateContainerRequest.newBuilder()
        .setContainerId("idle").setExecId("idle").setOCI(GuestSpecs.spec("/bin/true")).build())),
        Status.Code.ALREADY_EXISTS, "idle");
    exec("idle", "twice", GuestSpecs.process(false, "/bin/sleep", "1000"));
    assertStatus(catchThrowable(() -> exec("idle", "twice", GuestSpecs.process(false, "/bin/true"))),
        Status.Code.ALREADY_EXISTS, "twice");
    call().signalProcess(SignalProcessRequest.newBuilder().setContainerId("idle").setExecId("twice")
        .setSignal(SIGKILL).build());
    assertThat(waitProcess("idle", "twice")).isEqualTo(128 + SIGKILL);
    assertStatus(catchThrowable(() -> call().startContainer(StartContainerRequest.newBuilder()
        .setContainerId("ghost").build())), Status.Code.NOT_FOUND, "ghost");
    assertStatus(catchThrowable(() -> call().createContainer(CreateContainerRequest.newBuilder()
        .setContainerId("bad-storage").setExecId("bad-storage").setOCI(GuestSpecs.spec("/bin/true"))
        .addStorages(Storage.newBuilder().setDriver("nbd-magic").setSource("x").setMountPoint("/run/x")).build())),
        Status.Code.INVALID_ARGUMENT, "nbd-magic");
    assertStatus(catchThrowable(() -> call().createContainer(CreateContainerRequest.newBuilder()
        .setContainerId("no-rootfs").setExecId("no-rootfs").setOCI(GuestSpecs.spec("/bin/true").toBuilder()
            .setRoot(Root.newBuilder().setPath("/no/such/rootfs"))).build())),
        Status.Code.INVALID_ARGUMENT, "/no/such/rootfs");
    // The refused ids left nothing behind: the same ids work once the input is right.
    createAndStart("no-rootfs", GuestSpecs.spec("/bin/echo", "fine"), false);
    assertThat(readAll("no-rootfs", "no-rootfs")).isEqualTo("fine\n");
    assertThat(waitProcess("no-rootfs", "no-rootfs")).isZero();
  }

  @Test
  @Order(9)
  void unreadOutputFloodLeavesTheAgentAnsweringInBoundedMemory() throws Exception {
    long before = agentRssKb();
    // 200 MiB to stdout and nobody reads it: the agent buffers a bounded amount, then the pipe fills and dd blocks.
    createAndStart("flood", GuestSpecs.spec("/bin/dd", "if=/dev/zero", "bs=1048576", "count=200"), false);
    ListenableFuture<WaitProcessResponse> exit = AgentServiceGrpc.newFutureStub(vm.client)
        .withDeadlineAfter(5, TimeUnit.MINUTES)
        .waitProcess(WaitProcessRequest.newBuilder().setContainerId("flood").setExecId("flood").build());
    for (int i = 0; i < 30; i++) {
      assertThat(HealthGrpc.newBlockingStub(vm.client).withDeadlineAfter(60, TimeUnit.SECONDS)
          .check(CheckRequest.getDefaultInstance()).getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }
    long during = agentRssKb();
    log.info("AGENT-GUEST-FLOOD agent VmRSS {} kB before, {} kB with 200 MiB of unread output pending", before, during);
    assertThat(exit.isDone()).as("dd cannot finish while nobody reads its output").isFalse();
    assertThat(read("flood", "flood").toByteArray()).isNotEmpty().containsOnly(0);
    assertThat(during - before).as("agent RSS growth in kB").isLessThan(32L * 1024);
    call().signalProcess(SignalProcessRequest.newBuilder().setContainerId("flood").setSignal(SIGKILL).build());
    assertThat(exit.get(5, TimeUnit.MINUTES).getStatus()).isEqualTo(128 + SIGKILL);
  }

  @Test
  @Order(10)
  void hostThatDisconnectsMidCallDoesNotKillTheAgent() throws Exception {
    exec("idle", "long", GuestSpecs.process(false, "/bin/sleep", "1000"));
    ListenableFuture<WaitProcessResponse> pending = AgentServiceGrpc.newFutureStub(vm.client)
        .waitProcess(WaitProcessRequest.newBuilder().setContainerId("idle").setExecId("long").build());
    String ready = vm.reconnect();
    assertThat(ready).startsWith("CAPSA-AGENT-READY uptime=");
    assertThat(catchThrowable(() -> pending.get(1, TimeUnit.MINUTES))).isNotNull();
    assertThat(HealthGrpc.newBlockingStub(vm.client).withDeadlineAfter(60, TimeUnit.SECONDS)
        .check(CheckRequest.getDefaultInstance()).getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    // The sandbox and its processes outlived the connection.
    call().signalProcess(SignalProcessRequest.newBuilder().setContainerId("idle").setExecId("long")
        .setSignal(SIGKILL).build());
    assertThat(waitProcess("idle", "long")).isEqualTo(128 + SIGKILL);
    assertThat(execOutput("idle", "after", "/bin/echo", "still here")).isEqualTo("still here\n");
  }

  @Test
  @Order(20)
  void destroySandboxPowersTheVmOff() throws Exception {
    call().destroySandbox(DestroySandboxRequest.getDefaultInstance());
    VmExit exit = vm.vm.exit().get(3, TimeUnit.MINUTES);
    assertThat(exit.requested()).isFalse();
  }

  /** The agent's /proc status. PID 1 of the VM is the agent's JVM; the idle container sees it as /guestproc/1. */
  private String agentStatus(String execId) {
    return execOutput("idle", execId, "/bin/cat", "/guestproc/1/status");
  }

  private long agentRssKb() {
    String status = agentStatus("rss-" + System.nanoTime());
    Matcher m = VM_RSS.matcher(status);
    assertThat(m.find()).as("VmRSS in %s", status).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static void assertStatus(Throwable thrown, Status.Code code, String valueInMessage) {
    assertThat(thrown).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).as("status of %s", e).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).contains(valueInMessage);
    });
  }

  private AgentServiceBlockingStub call() {
    return AgentServiceGrpc.newBlockingStub(vm.client).withDeadlineAfter(3, TimeUnit.MINUTES);
  }

  private void createAndStart(String id, Spec spec, boolean sandboxPidns) throws Exception {
    vm.rootfs(id);
    call().createContainer(CreateContainerRequest.newBuilder().setContainerId(id).setExecId(id)
        .setSandboxPidns(sandboxPidns).setOCI(spec).build());
    call().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
  }

  private void exec(String id, String execId, Process process) {
    call().execProcess(ExecProcessRequest.newBuilder().setContainerId(id).setExecId(execId).setProcess(process)
        .build());
  }

  /** Execs {@code args}, returns all of its stdout and asserts it exited 0. */
  private String execOutput(String id, String execId, String... args) {
    exec(id, execId, GuestSpecs.process(false, args));
    String out = readAll(id, execId);
    assertThat(waitProcess(id, execId)).as("exit status of %s; output: %s", List.of(args), out).isZero();
    return out;
  }

  private void write(String id, String execId, String text) {
    call().writeStdin(WriteStreamRequest.newBuilder().setContainerId(id).setExecId(execId)
        .setData(ByteString.copyFromUtf8(text)).build());
  }

  private ByteString read(String id, String execId) {
    return call().readStdout(ReadStreamRequest.newBuilder().setContainerId(id).setExecId(execId).setLen(32768)
        .build()).getData();
  }

  /** Reads stdout until EOF (an empty answer). */
  private String readAll(String id, String execId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ByteString data = read(id, execId); !data.isEmpty(); data = read(id, execId)) {
      out.writeBytes(data.toByteArray());
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Reads stdout until it contains {@code marker} (or EOF). */
  private String readUntil(String id, String execId, String marker) {
    StringBuilder sb = new StringBuilder();
    while (!sb.toString().contains(marker)) {
      ByteString data = read(id, execId);
      if (data.isEmpty()) {
        break;
      }
      sb.append(data.toStringUtf8());
    }
    return sb.toString();
  }

  private int waitProcess(String id, String execId) {
    return call().waitProcess(WaitProcessRequest.newBuilder().setContainerId(id).setExecId(execId).build())
        .getStatus();
  }

  private long memoryUsage(String id) {
    return call().statsContainer(StatsContainerRequest.newBuilder().setContainerId(id).build())
        .getCgroupStats().getMemoryStats().getUsage().getUsage();
  }
}
