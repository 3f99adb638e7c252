package capsa.hypervisor.qemu;

import static capsa.hypervisor.qemu.QemuVmFixture.ask;
import static capsa.hypervisor.qemu.QemuVmFixture.lines;
import static org.assertj.core.api.Assertions.assertThat;

import capsa.hypervisor.BootTimeline;
import capsa.hypervisor.VmExit;
import capsa.hypervisor.VmState;
import capsa.hypervisor.qemu.qmp.QmpCommands;
import capsa.hypervisor.spec.MachineType;
import capsa.vsock.AgentEndpoint;
import io.netty.channel.Channel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real QEMU under TCG with the guest image: boot, agent channel, QMP status, clean shutdown, isolation. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class QemuBootTest {

  private static final Duration BOOT = Duration.ofSeconds(90);
  private QemuVmFixture fx;

  @BeforeEach
  void setUp() throws Exception {
    fx = new QemuVmFixture();
  }

  @AfterEach
  void tearDown() throws Exception {
    fx.close();
  }

  @Test
  void q35BootsAnswersOnTheChannelAndLeavesNothingOnStop() throws Exception {
    QemuVm vm = fx.boot(fx.spec("q1", MachineType.Q35).pcieRootPorts(1).build());
    assertThat(vm.state()).isEqualTo(VmState.RUNNING);
    assertThat(vm.qmp().greeting().major()).isGreaterThanOrEqualTo(7);
    assertThat(vm.qmp().execute(new QmpCommands.QueryStatus()).get(10, TimeUnit.SECONDS))
        .isEqualTo(new QmpCommands.StatusInfo("running", true));
    Channel ch = vm.connectAgent(BOOT).get(BOOT.toSeconds() + 5, TimeUnit.SECONDS);
    assertThat(ch.attr(capsa.vsock.VirtioSerialConnector.READY_LINE).get()).startsWith("CAPSA-AGENT-READY uptime=");
    BlockingQueue<String> q = lines(ch);
    assertThat(ask(ch, q, "hello q35")).isEqualTo("ECHO hello q35");
    assertStopsClean(vm, ch);
  }

  @Test
  void twoMicrovmsAtOnceShareNothingAndBothAnswer() throws Exception {
    java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
    QemuVm vm1;
    QemuVm vm2;
    try {
      CompletableFuture<QemuVm> a = CompletableFuture.supplyAsync(() -> fx.boot(fx.spec("m1", MachineType.MICROVM)
          .build()), two);
      CompletableFuture<QemuVm> b = CompletableFuture.supplyAsync(() -> fx.boot(fx.spec("m2", MachineType.MICROVM)
          .build()), two);
      vm1 = a.get(2, TimeUnit.MINUTES);
      vm2 = b.get(2, TimeUnit.MINUTES);
    } finally {
      two.shutdown();
    }
    // Nothing shared: sockets, runtime dirs, logs, processes.
    Set<Path> paths = new HashSet<>();
    for (QemuVm vm : List.of(vm1, vm2)) {
      QemuPaths p = new QemuPaths(vm.spec().runtimeDir());
      paths.addAll(List.of(p.runtimeDir(), p.qmpSocket(), p.agentSocket(), p.pidFile(), vm.consoleLog(),
          vm.spec().vmmLog()));
      assertThat(Files.exists(p.qmpSocket())).isTrue();
      assertThat(Files.exists(p.pidFile())).isTrue();
    }
    assertThat(paths).hasSize(12);
    assertThat(vm1.pid()).isNotEqualTo(vm2.pid());
    assertThat(vm1.agentEndpoint()).isNotEqualTo(vm2.agentEndpoint());

    List<Channel> chans = new ArrayList<>();
    for (QemuVm vm : List.of(vm1, vm2)) {
      chans.add(vm.connectAgent(BOOT).get(BOOT.toSeconds() + 5, TimeUnit.SECONDS));
    }
    for (int i = 0; i < 2; i++) {
      BlockingQueue<String> q = lines(chans.get(i));
      assertThat(ask(chans.get(i), q, "from host to vm" + i)).isEqualTo("ECHO from host to vm" + i);
    }
    for (QemuVm vm : List.of(vm1, vm2)) {
      BootTimeline t = vm.timeline();
      assertThat(t.vmmReady()).isPresent();
      assertThat(t.firstConsoleByte()).isPresent();
      assertThat(t.agentReady()).isPresent();
      assertThat(t.agentReady().get()).isGreaterThan(t.vmmReady().get());
    }
    assertStopsClean(vm1, chans.get(0));

    // The guest ends the other VM itself: reported as not requested, and cleaned up all the same.
    long pid2 = vm2.pid();
    chans.get(1).writeAndFlush("POWEROFF\n");
    VmExit exit = vm2.exit().get(60, TimeUnit.SECONDS);
    assertThat(exit.requested()).isFalse();
    assertThat(exit.exitCode()).hasValue(0);
    assertThat(vm2.state()).isEqualTo(VmState.STOPPED);
    assertThat(ProcessHandle.of(pid2).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(vm2.spec().runtimeDir()).doesNotExist();
    assertThat(vm2.stop(Duration.ofSeconds(1))).isSameAs(exit);
  }

  private static void assertStopsClean(QemuVm vm, Channel ch) throws Exception {
    long pid = vm.pid();
    Path dir = vm.spec().runtimeDir();
    VmExit exit = vm.stop(Duration.ofSeconds(10));
    assertThat(exit.requested()).isTrue();
    assertThat(vm.state()).isEqualTo(VmState.STOPPED);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(dir).doesNotExist();
    assertThat(vm.qmp().closeFuture()).succeedsWithin(Duration.ofSeconds(5));
    ch.closeFuture().await(5, TimeUnit.SECONDS);
    assertThat(ch.isOpen()).isFalse();
    assertThat(vm.consoleLog()).exists(); // logs are kept
    assertThat(vm.agentEndpoint()).isInstanceOf(AgentEndpoint.VirtioSerial.class);
  }
}
