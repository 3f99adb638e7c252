package capsa.hypervisor.clh.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import capsa.hypervisor.clh.standin.StandInCloudHypervisor;
import io.netty.channel.epoll.EpollEventLoopGroup;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client over a real Unix socket against the in-process stand-in VMM. */
class ChApiClientTest {

  private static EpollEventLoopGroup group;

  @TempDir Path dir;
  private StandInCloudHypervisor standIn;
  private ChApiClient client;

  @BeforeAll
  static void startLoop() {
    group = new EpollEventLoopGroup(1);
  }

  @AfterAll
  static void stopLoop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @BeforeEach
  void start() throws Exception {
    standIn = new StandInCloudHypervisor(group, dir.resolve("api.sock")).start();
    client = new ChApiClient(group, standIn.apiSocket(), ChApiTimeouts.uniform(Duration.ofSeconds(30)));
  }

  @AfterEach
  void stop() throws Exception {
    standIn.close();
  }

  @Test
  void pingAnswers() {
    assertThat(client.ping().join().version()).isEqualTo("stand-in-0.0");
  }

  @Test
  void bootWithoutAVmSurfacesStatusAndErrorChain() {
    assertThatThrownBy(() -> client.boot().join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOfSatisfying(ChApiException.class, e -> {
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.errorChain()).containsExactly("Error booting the VM", "VM is not created");
        })
        .hasMessageContaining("vm.boot with HTTP 404: Error booting the VM: VM is not created");
  }

  @Test
  void lifecycleThroughTheApi() {
    client.createVm(minimalConfig()).join();
    assertThat(client.info().join().state()).isEqualTo(ChVmState.CREATED);
    // Before boot a hot-plug only joins the config: 204, no PCI address yet.
    assertThat(client.addNet(new NetConfig("tap0", "02:00:00:00:00:01", null, false, null, null, "nic0")).join())
        .isEmpty();
    client.boot().join();
    assertThat(client.info().join().state()).isEqualTo(ChVmState.RUNNING);
    PciDeviceInfo disk = client.addDisk(DiskConfig.raw("/tmp/a.raw", true, 1, "blk0")).join().orElseThrow();
    PciDeviceInfo disk2 = client.addDisk(DiskConfig.raw("/tmp/b.raw", true, 1, "blk1")).join().orElseThrow();
    assertThat(Integer.parseInt(disk2.guestPciPath(), 16)).isGreaterThan(Integer.parseInt(disk.guestPciPath(), 16));
    assertThatThrownBy(() -> client.addDisk(DiskConfig.raw("/tmp/c.raw", true, 1, "blk0")).join())
        .cause().isInstanceOfSatisfying(ChApiException.class, e -> assertThat(e.status()).isEqualTo(409));
    client.removeDevice(new VmRemoveDevice("blk0")).join();
    assertThatThrownBy(() -> client.removeDevice(new VmRemoveDevice("blk0")).join())
        .cause().isInstanceOfSatisfying(ChApiException.class, e -> assertThat(e.status()).isEqualTo(404));
    client.resize(VmResize.vcpus(2)).join();
    client.pause().join();
    assertThatThrownBy(() -> client.pause().join())
        .cause().isInstanceOfSatisfying(ChApiException.class, e -> assertThat(e.status()).isEqualTo(405));
    client.resume().join();
    client.shutdownVm().join();
    assertThat(client.info().join().state()).isEqualTo(ChVmState.SHUTDOWN);
    client.shutdownVmm().join();
    assertThat(standIn.vmmShutdown()).isCompleted();
    assertThat(standIn.vmm().endpointsCalled()).containsExactly(
        "vm.create", "vm.info", "vm.add-net", "vm.boot", "vm.info", "vm.add-disk", "vm.add-disk", "vm.add-disk",
        "vm.remove-device", "vm.remove-device", "vm.resize", "vm.pause", "vm.pause", "vm.resume", "vm.shutdown",
        "vm.info", "vmm.shutdown");
  }

  @Test
  void resizeRetriesWhileTheVmmIsBusy() {
    client.createVm(minimalConfig()).join();
    client.boot().join();
    standIn.vmm().busy("vm.resize", 3);
    client.resize(VmResize.vcpus(2)).join();
    assertThat(standIn.vmm().endpointsCalled()).endsWith("vm.resize", "vm.resize", "vm.resize", "vm.resize");
  }

  @Test
  void resizeGivesUpAfterTwentyBusyAnswers() {
    client.createVm(minimalConfig()).join();
    client.boot().join();
    standIn.vmm().busy("vm.resize", 1000);
    assertThatThrownBy(() -> client.resize(VmResize.vcpus(2)).join())
        .cause().isInstanceOfSatisfying(ChApiException.class, e -> assertThat(e.status()).isEqualTo(429));
    assertThat(standIn.vmm().endpointsCalled().stream().filter("vm.resize"::equals).count())
        .isEqualTo(ChApiClient.RESIZE_ATTEMPTS);
  }

  @Test
  void configErrorsComeBackAsTheChain() {
    VmConfig noSharedMemory = new VmConfig(
        new PayloadConfig("/k", null, null), CpusConfig.flat(1, 1), new MemoryConfig(1 << 28, false, null, null),
        null, null, null, List.of(new FsConfig("kataShared", "/run/v.sock", 1, 1024, null, null)),
        null, null, null, null, null);
    assertThatThrownBy(() -> client.createVm(noSharedMemory).join())
        .cause().isInstanceOfSatisfying(ChApiException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.errorChain()).contains("virtio-fs needs memory.shared = true");
        });
  }

  @Test
  void silentServerTimesOut() throws Exception {
    Path silent = dir.resolve("silent.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(silent));
      ChApiClient impatient =
          new ChApiClient(group, silent, ChApiTimeouts.uniform(Duration.ofMillis(300)));
      CompletableFuture<VmmPingResponse> ping = impatient.ping();
      try (SocketChannel accepted = server.accept()) {
        assertThatThrownBy(() -> ping.get(30, TimeUnit.SECONDS))
            .cause()
            .isInstanceOf(TimeoutException.class)
            .hasMessageContaining("vmm.ping got no reply within 300 ms");
      }
    } finally {
      Files.deleteIfExists(silent);
    }
  }

  @Test
  void missingSocketIsAnIoErrorNamingIt() {
    ChApiClient nowhere = new ChApiClient(group, dir.resolve("none.sock"), ChApiTimeouts.defaults());
    assertThatThrownBy(() -> nowhere.ping().join()).hasMessageContaining("none.sock");
  }

  private static VmConfig minimalConfig() {
    return new VmConfig(new PayloadConfig("/k", "console=ttyS0", null), CpusConfig.flat(1, 2),
        new MemoryConfig(1L << 29, false, false, null), null, null, null, null, null, null, null, null, null);
  }
}
