package capsa.hypervisor.clh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import capsa.hypervisor.InvalidVmSpecException;
import capsa.hypervisor.Vm;
import capsa.hypervisor.VmStartException;
import capsa.hypervisor.clh.api.ChJson;
import capsa.hypervisor.clh.standin.RecordedRequest;
import capsa.hypervisor.clh.standin.StandInCloudHypervisorMain;
import capsa.hypervisor.spec.AgentChannelKind;
import capsa.hypervisor.spec.BootSource;
import capsa.hypervisor.spec.SharedFs;
import capsa.hypervisor.spec.VmSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.epoll.EpollEventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A virtio-fs share: the backend starts a real virtiofsd (Debian 12's, from qemu-system-common) before the stand-in
 * VMM and stops it after. The stand-in does not connect to it; a real Cloud Hypervisor would at boot.
 */
class ClhVirtioFsTest {

  private static EpollEventLoopGroup group;

  @TempDir Path dir;
  private Path share;
  private Path record;
  private ClhConfig config;
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
  void setUp() throws Exception {
    share = Files.createDirectory(dir.resolve("share"));
    record = dir.resolve("requests.jsonl");
    Path binary = ClhTestTarget.standInScript(dir, "-D" + StandInCloudHypervisorMain.RECORD_PROPERTY + "=" + record);
    config = ClhTestTarget.BASE.withBinary(binary);
  }

  @AfterEach
  void closeVm() {
    if (vm != null) {
      vm.close();
    }
  }

  private VmSpec spec() throws Exception {
    return VmSpec.builder()
        .id("fs")
        .boot(new BootSource.Initrd(Files.writeString(dir.resolve("vmlinux"), "k"),
            Files.writeString(dir.resolve("initrd"), "i")))
        .agentChannel(AgentChannelKind.HYBRID_VSOCK)
        .sharedFs(new SharedFs.VirtioFs(SharedFs.KATA_TAG, share))
        .consoleLog(dir.resolve("console.log"))
        .vmmLog(dir.resolve("vmm.log"))
        .runtimeDir(dir.resolve("run"))
        .build();
  }

  @Test
  void virtioFsWithoutADaemonIsRefused() {
    assertThatThrownBy(() -> new CloudHypervisor(config, group).validate(spec()))
        .isInstanceOf(InvalidVmSpecException.class)
        .hasMessageContaining("virtio-fs needs a virtiofsd");
  }

  @Test
  void daemonRunsForTheLifeOfTheVm() throws Exception {
    VirtiofsdConfig debian = VirtiofsdConfig.debianQemu();
    assumeTrue(Files.isExecutable(debian.binary()), "Debian's virtiofsd (qemu-system-common) is not installed");
    vm = new CloudHypervisor(config.withVirtiofsd(debian), group).boot(spec());
    long daemon = ((ClhVm) vm).virtiofsdPid().orElseThrow();
    assertThat(ProcessHandle.of(daemon).map(ProcessHandle::isAlive)).contains(true);
    assertThat(dir.resolve("run/virtiofsd.sock")).exists();

    ObjectMapper mapper = ChJson.newMapper();
    String createBody = Files.readAllLines(record).stream()
        .map(line -> {
          try {
            return mapper.readValue(line, RecordedRequest.class);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        })
        .filter(r -> r.endpoint().equals("vm.create")).findFirst().orElseThrow().body();
    JsonNode create = mapper.readTree(createBody);
    assertThat(create.path("memory").path("shared").asBoolean()).isTrue();
    assertThat(create.path("fs").get(0).path("tag").asText()).isEqualTo("kataShared");
    assertThat(create.path("fs").get(0).path("socket").asText()).isEqualTo(dir.resolve("run/virtiofsd.sock")
        .toString());

    vm.stop(Duration.ofSeconds(30));
    assertThat(ProcessHandle.of(daemon).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
    assertThat(dir.resolve("run")).doesNotExist();
  }

  @Test
  void failingDaemonStopsTheBootBeforeTheVmm() throws Exception {
    Path broken = ClhTestTarget.executable(dir.resolve("virtiofsd"), "#!/bin/sh\necho 'no share' >&2\nexit 1\n");
    CloudHypervisor clh = new CloudHypervisor(
        config.withVirtiofsd(new VirtiofsdConfig(broken, VirtiofsdConfig.Flavor.RUST)), group);
    assertThatThrownBy(() -> clh.boot(spec()))
        .isInstanceOf(VmStartException.class)
        .hasMessageContaining("virtiofsd exited with status 1 before listening");
    assertThat(record).doesNotExist();
    assertThat(dir.resolve("run")).doesNotExist();
    assertThat(Files.readString(dir.resolve("vmm.log"))).contains("no share");
  }
}
