package capsa.hypervisor.clh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import capsa.hypervisor.DeviceException;
import capsa.hypervisor.GuestPciPath;
import capsa.hypervisor.Vm;
import capsa.hypervisor.VmExit;
import capsa.hypervisor.VmState;
import capsa.hypervisor.VmStateException;
import capsa.hypervisor.clh.api.ChApiClient;
import capsa.hypervisor.clh.api.ChApiException;
import capsa.hypervisor.clh.api.ChApiTimeouts;
import capsa.hypervisor.clh.api.ChJson;
import capsa.hypervisor.clh.api.ChVmState;
import capsa.hypervisor.clh.standin.RecordedRequest;
import capsa.hypervisor.clh.standin.StandInVmm;
import capsa.hypervisor.spec.AgentChannelKind;
import capsa.hypervisor.spec.BootSource;
import capsa.hypervisor.spec.DataSize;
import capsa.hypervisor.spec.Device;
import capsa.hypervisor.spec.MachineType;
import capsa.hypervisor.spec.VmSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollEventLoopGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Cloud Hypervisor backend end to end: against the real {@code cloud-hypervisor} when it is on PATH and
 * {@code /dev/kvm} exists, otherwise against the stand-in VMM running as its own process. Each test prints which one
 * it drove. Stand-in-only checks (recorded requests, the echoing vsock peer) are skipped on the real binary.
 */
class CloudHypervisorContractTest {

  private static EpollEventLoopGroup group;

  @TempDir Path dir;
  private ClhTestTarget target;
  private Vm vm;

  @BeforeAll
  static void startLoop() {
    group = new EpollEventLoopGroup(1);
  }

  @AfterAll
  static void stopLoop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @BeforeEach
  void chooseTarget(TestReporter reporter) throws IOException {
    target = ClhTestTarget.choose(dir);
    System.out.println("CloudHypervisorContractTest runs against the " + target.describe());
    reporter.publishEntry("cloud-hypervisor", target.describe());
  }

  @AfterEach
  void closeVm() {
    if (vm != null) {
      vm.close();
    }
  }

  private VmSpec.Builder spec() {
    return VmSpec.builder()
        .id("clh-contract")
        .vcpus(1)
        .maxVcpus(2)
        .memory(DataSize.mebibytes(512))
        .maxMemory(DataSize.mebibytes(768))
        .boot(new BootSource.Initrd(target.kernel(), target.initrd()))
        .machine(MachineType.Q35)
        .agentChannel(AgentChannelKind.HYBRID_VSOCK)
        .consoleLog(dir.resolve("console.log"))
        .vmmLog(dir.resolve("vmm.log"))
        .runtimeDir(dir.resolve("run"));
  }

  private CloudHypervisor backend() {
    return new CloudHypervisor(target.config(), group);
  }

  @Test
  void bootHotplugResizePauseResumeStop() throws Exception {
    Path disk = Files.write(dir.resolve("disk0.raw"), new byte[1 << 20]);
    vm = backend().boot(spec().build());
    Path runtimeDir = dir.resolve("run");

    assertThat(vm.state()).isEqualTo(VmState.RUNNING);
    assertThat(runtimeDir.resolve("clh-api.sock")).exists();
    assertThat(vm.timeline().vmmReady()).isPresent();
    // Real guests print a kernel banner, the stand-in a line at boot: either way a first byte arrives.
    ((ClhVm) vm).firstConsoleByte().get(120, TimeUnit.SECONDS);
    ChApiClient api = new ChApiClient(group, runtimeDir.resolve("clh-api.sock"),
        ChApiTimeouts.uniform(Duration.ofSeconds(30)));
    assertThat(api.info().join().state()).isEqualTo(ChVmState.RUNNING);

    GuestPciPath first = vm.hotplug(new Device.Block("blk0", disk, true));
    assertThat(first.slots()).hasSize(1);
    assertThatThrownBy(() -> vm.hotplug(new Device.Block("blk0", disk, true)))
        .isInstanceOf(DeviceException.class)
        .hasMessageContaining("blk0")
        .cause()
        .isInstanceOfSatisfying(ChApiException.class, e -> {
          assertThat(e.status()).isBetween(400, 499);
          assertThat(e.errorChain()).isNotEmpty();
          if (!target.real()) {
            assertThat(e.status()).isEqualTo(409);
            assertThat(e.getMessage()).contains("Device id blk0 is already in use");
          }
        });
    vm.unplug("blk0");
    GuestPciPath again = vm.hotplug(new Device.Block("blk1", disk, true));
    assertThat(again.slots()).hasSize(1);
    vm.unplug("blk1");

    assertThatThrownBy(() -> vm.resize(3, DataSize.mebibytes(640))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> vm.resize(1, DataSize.mebibytes(1024))).isInstanceOf(IllegalArgumentException.class);
    vm.resize(2, DataSize.mebibytes(640));
    assertThatThrownBy(() -> vm.resize(2, DataSize.mebibytes(512)))
        .isInstanceOf(capsa.hypervisor.UnsupportedByBackendException.class);
    JsonNode cpus = api.info().join().config().path("cpus");
    assertThat(cpus.path("max_vcpus").asInt()).isEqualTo(2);

    vm.pause();
    assertThat(vm.state()).isEqualTo(VmState.PAUSED);
    assertThat(api.info().join().state()).isEqualTo(ChVmState.PAUSED);
    assertThatThrownBy(vm::pause).isInstanceOf(VmStateException.class);
    assertThatThrownBy(() -> vm.hotplug(new Device.Block("blk2", disk, true)))
        .isInstanceOf(VmStateException.class);
    vm.resume();
    assertThat(vm.state()).isEqualTo(VmState.RUNNING);

    VmExit exit = vm.stop(Duration.ofSeconds(30));
    assertThat(exit.requested()).isTrue();
    assertThat(vm.state()).isEqualTo(VmState.STOPPED);
    assertThat(runtimeDir).doesNotExist();
    assertThat(vm.consoleLog()).exists();
    if (!target.real()) {
      assertThat(Files.readString(vm.consoleLog())).contains(StandInVmm.SERIAL_BANNER);
      assertThat(vm.timeline().firstConsoleByte()).isPresent();
      assertThat(exit.exitCode()).hasValue(0);
      assertBootSequenceAsKataDoes();
    }
  }

  /** The requests the stand-in recorded: Kata's order, and a vm.create body of the reference's shape. */
  private void assertBootSequenceAsKataDoes() throws IOException {
    ObjectMapper mapper = ChJson.newMapper();
    List<RecordedRequest> calls = Files.readAllLines(target.recordFile().orElseThrow()).stream()
        .map(line -> read(mapper, line)).toList();
    List<String> endpoints = calls.stream().map(RecordedRequest::endpoint)
        .dropWhile(e -> e.equals("vmm.ping")).toList();
    assertThat(endpoints).startsWith("vm.create", "vm.info", "vm.boot", "vm.info");
    assertThat(endpoints).endsWith("vmm.shutdown");
    JsonNode create = mapper.readTree(calls.stream().filter(c -> c.endpoint().equals("vm.create"))
        .findFirst().orElseThrow().body());
    assertThat(create.path("vsock").path("cid").asInt()).isEqualTo(3);
    assertThat(create.path("vsock").path("socket").asText()).isEqualTo(dir.resolve("run/clh.sock").toString());
    assertThat(create.path("serial").path("mode").asText()).isEqualTo("File");
    assertThat(create.path("payload").path("initramfs").asText()).isEqualTo(target.initrd().toString());
    assertThat(create.path("memory").path("hotplug_size").asLong()).isEqualTo(256L << 20);
    assertThat(create.has("net")).isFalse();
  }

  private static RecordedRequest read(ObjectMapper mapper, String line) {
    try {
      return mapper.readValue(line, RecordedRequest.class);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void nicsAreAddedBetweenCreateAndBoot() throws Exception {
    assumeFalse(target.real(), "needs a tap device on the host; stand-in only");
    vm = backend().boot(spec().nic(new Device.Nic("eth0", "tap0", "02:00:00:00:00:01")).build());
    vm.stop(Duration.ofSeconds(30));
    List<String> endpoints = Files.readAllLines(target.recordFile().orElseThrow()).stream()
        .map(line -> read(ChJson.newMapper(), line).endpoint()).filter(e -> !e.equals("vmm.ping")).toList();
    assertThat(endpoints).startsWith("vm.create", "vm.info", "vm.add-net", "vm.boot", "vm.info");
  }

  @Test
  void aNetworkNamespaceStartsTheVmmInsideItAndNamesTheTap() throws Exception {
    assumeFalse(target.real(), "needs a tap device on the host; stand-in only");
    // The caller's own namespace: nsenter into it works as root and changes nothing.
    vm = backend().boot(spec().networkNamespace(Path.of("/proc/self/ns/net"))
        .nic(new Device.Nic("nic0", "tap0_capsa", "02:00:00:00:00:07")).build());
    vm.stop(Duration.ofSeconds(30));
    List<RecordedRequest> addNet = Files.readAllLines(target.recordFile().orElseThrow()).stream()
        .map(line -> read(ChJson.newMapper(), line)).filter(r -> r.endpoint().equals("vm.add-net")).toList();
    assertThat(addNet).singleElement().satisfies(r -> assertThat(r.body())
        .contains("\"tap\":\"tap0_capsa\"", "\"mac\":\"02:00:00:00:00:07\""));
  }

  @Test
  void aMissingNetworkNamespaceIsRefusedBeforeLaunch() {
    assertThatThrownBy(() -> backend().boot(spec().networkNamespace(dir.resolve("no-such-netns")).build()))
        .isInstanceOf(capsa.hypervisor.InvalidVmSpecException.class)
        .hasMessageContaining("Network namespace does not exist");
    assertThat(dir.resolve("run")).doesNotExist();
  }

  @Test
  void agentChannelOverHybridVsock() throws Exception {
    assumeFalse(target.real(), "needs a guest with an agent; the stand-in echoes on the agent port");
    vm = backend().boot(spec().build());
    Channel ch = vm.connectAgent(Duration.ofSeconds(60)).get(90, TimeUnit.SECONDS);
    try {
      CompletableFuture<String> echoed = new CompletableFuture<>();
      ch.eventLoop().submit(() -> ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
          echoed.complete(msg.toString(StandardCharsets.US_ASCII));
        }
      })).sync();
      ch.writeAndFlush(Unpooled.copiedBuffer("ttrpc?", StandardCharsets.US_ASCII));
      assertThat(echoed.get(30, TimeUnit.SECONDS)).isEqualTo("ttrpc?");
      assertThat(vm.timeline().agentReady()).isPresent();
    } finally {
      ch.close().sync();
    }
  }

  @Test
  void twoVmsShareNothing() throws Exception {
    Path dirB = Files.createDirectory(dir.resolve("b"));
    VmSpec a = spec().build();
    VmSpec b = a.withPaths("clh-contract-b", dirB.resolve("run"), dirB.resolve("console.log"), dirB.resolve("vmm.log"));
    vm = backend().boot(a);
    try (Vm other = backend().boot(b)) {
      assertThat(other.agentEndpoint()).isNotEqualTo(vm.agentEndpoint());
      assertThat(pidOf(other)).isNotEqualTo(pidOf(vm));
      assertThat(dir.resolve("run/clh-api.sock")).exists();
      assertThat(dirB.resolve("run/clh-api.sock")).exists();
      if (!target.real()) {
        Channel ca = vm.connectAgent(Duration.ofSeconds(60)).get(90, TimeUnit.SECONDS);
        Channel cb = other.connectAgent(Duration.ofSeconds(60)).get(90, TimeUnit.SECONDS);
        assertThat(ca.remoteAddress()).isNotEqualTo(cb.remoteAddress());
        ca.close().sync();
        cb.close().sync();
      }
      other.stop(Duration.ofSeconds(30));
      assertThat(dirB.resolve("run")).doesNotExist();
      assertThat(vm.state()).isEqualTo(VmState.RUNNING);
      assertThat(dir.resolve("run/clh-api.sock")).exists();
    }
  }

  @Test
  void killedFromOutsideIsReportedAndCleanedUp() throws Exception {
    vm = backend().boot(spec().build());
    ProcessHandle.of(pidOf(vm)).orElseThrow().destroyForcibly();
    VmExit exit = vm.exit().get(60, TimeUnit.SECONDS);
    assertThat(exit.requested()).isFalse();
    assertThat(vm.state()).isEqualTo(VmState.STOPPED);
    assertThat(dir.resolve("run")).doesNotExist();
  }

  private static long pidOf(Vm vm) {
    return ((ClhVm) vm).pid();
  }
}
