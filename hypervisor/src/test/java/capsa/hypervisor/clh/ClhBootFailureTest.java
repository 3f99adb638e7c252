package capsa.hypervisor.clh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import capsa.hypervisor.InvalidVmSpecException;
import capsa.hypervisor.VmStartException;
import capsa.hypervisor.spec.AgentChannelKind;
import capsa.hypervisor.spec.BootSource;
import capsa.hypervisor.spec.SharedFs;
import capsa.hypervisor.spec.VmSpec;
import io.netty.channel.epoll.EpollEventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input fails before launch; a VMM that dies or never answers fails the boot and leaves nothing behind. */
class ClhBootFailureTest {

  private static EpollEventLoopGroup group;

  @TempDir Path dir;
  private Path kernel;
  private Path initrd;

  @BeforeAll
  static void startLoop() {
    group = new EpollEventLoopGroup(1);
  }

  @AfterAll
  static void stopLoop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @BeforeEach
  void guestFiles() throws Exception {
    kernel = Files.writeString(dir.resolve("vmlinux"), "k");
    initrd = Files.writeString(dir.resolve("initrd.img"), "i");
  }

  private VmSpec.Builder spec(Path runtimeDir) {
    return VmSpec.builder()
        .id("bad")
        .boot(new BootSource.Initrd(kernel, initrd))
        .agentChannel(AgentChannelKind.HYBRID_VSOCK)
        .consoleLog(dir.resolve("console.log"))
        .vmmLog(dir.resolve("vmm.log"))
        .runtimeDir(runtimeDir);
  }

  private CloudHypervisor backend(Path binary, Duration ready) {
    return new CloudHypervisor(
        new ClhConfig(binary, ClhTestTarget.BASE.apiTimeouts(), ready, Duration.ofMillis(20)), group);
  }

  @Test
  void missingBinaryIsReportedBeforeAnythingIsCreated() {
    Path runtime = dir.resolve("run");
    assertThatThrownBy(() -> backend(dir.resolve("no/such/cloud-hypervisor"), Duration.ofSeconds(5))
            .boot(spec(runtime).build()))
        .isInstanceOf(VmStartException.class)
        .hasMessageContaining("cloud-hypervisor binary is missing or not executable")
        .hasMessageContaining("no/such/cloud-hypervisor");
    assertThat(runtime).doesNotExist();
  }

  @Test
  void socketPathOverTheLimitIsRejected() throws Exception {
    Path binary = ClhTestTarget.executable(dir.resolve("cloud-hypervisor"), "#!/bin/sh\nexit 0\n");
    Path deep = Files.createDirectories(dir.resolve("d".repeat(60)).resolve("e".repeat(40)));
    Path runtime = deep.resolve("run");
    assertThatThrownBy(() -> backend(binary, Duration.ofSeconds(5)).boot(spec(runtime).build()))
        .isInstanceOf(InvalidVmSpecException.class)
        .hasMessageContaining("over the limit of 107");
    assertThat(runtime).doesNotExist();
  }

  @Test
  void onlyHybridVsockAndNo9p() throws Exception {
    Path binary = ClhTestTarget.executable(dir.resolve("cloud-hypervisor"), "#!/bin/sh\nexit 0\n");
    CloudHypervisor clh = backend(binary, Duration.ofSeconds(5));
    assertThatThrownBy(() -> clh.validate(spec(dir.resolve("run")).agentChannel(AgentChannelKind.VIRTIO_SERIAL)
            .build()))
        .isInstanceOf(InvalidVmSpecException.class)
        .hasMessageContaining("HYBRID_VSOCK");
    assertThatThrownBy(() -> clh.validate(spec(dir.resolve("run")).sharedFs(new SharedFs.NineP("kataShared", dir))
            .build()))
        .isInstanceOf(InvalidVmSpecException.class)
        .hasMessageContaining("no virtio-9p");
  }

  @Test
  void earlyExitIsDetectedAndCleanedUp() throws Exception {
    Path binary = ClhTestTarget.executable(dir.resolve("cloud-hypervisor"),
        "#!/bin/sh\necho \"bad flags: $*\" >&2\nexit 3\n");
    Path runtime = dir.resolve("run");
    assertThatThrownBy(() -> backend(binary, Duration.ofSeconds(60)).boot(spec(runtime).build()))
        .isInstanceOf(VmStartException.class)
        .hasMessageContaining("exited with status 3 before its API answered")
        .hasMessageContaining("last output: 'bad flags: --api-socket");
    assertThat(runtime).doesNotExist();
    assertThat(Files.readString(dir.resolve("vmm.log"))).contains("bad flags: --api-socket " + runtime.resolve(
        "clh-api.sock"));
  }

  @Test
  void vmmThatNeverAnswersIsKilled() throws Exception {
    Path pidFile = dir.resolve("pid");
    Path binary = ClhTestTarget.executable(dir.resolve("cloud-hypervisor"),
        "#!/bin/sh\necho $$ > " + pidFile + "\nexec sleep 600\n");
    Path runtime = dir.resolve("run");
    assertThatThrownBy(() -> backend(binary, Duration.ofSeconds(2)).boot(spec(runtime).build()))
        .isInstanceOf(VmStartException.class)
        .hasMessageContaining("did not answer within 2000 ms");
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
    assertThat(runtime).doesNotExist();
  }

  @Test
  void vmmRefusalFailsTheBootWithItsErrorChain() throws Exception {
    Path binary = ClhTestTarget.standInScript(dir,
        "-D" + capsa.hypervisor.clh.standin.StandInCloudHypervisorMain.REFUSE_PROPERTY + "=vm.create");
    Path runtime = dir.resolve("run");
    assertThatThrownBy(() -> backend(binary, Duration.ofSeconds(90)).boot(spec(runtime).build()))
        .isInstanceOf(VmStartException.class)
        .hasMessage("Cloud Hypervisor could not create the VM")
        .cause()
        .isInstanceOfSatisfying(capsa.hypervisor.clh.api.ChApiException.class, e -> {
          assertThat(e.status()).isEqualTo(500);
          assertThat(e.errorChain()).containsExactly("Stand-in refuses vm.create", "Injected fault");
        })
        .hasMessageContaining("vm.create with HTTP 500: Stand-in refuses vm.create: Injected fault");
    assertThat(runtime).doesNotExist();
  }

  @Test
  void runtimeDirIsPrivate() throws Exception {
    Path probe = dir.resolve("perm");
    Path binary = ClhTestTarget.executable(dir.resolve("cloud-hypervisor"),
        "#!/bin/sh\nstat -c %a \"$(dirname \"$2\")\" > " + probe + "\nexit 1\n");
    assertThatThrownBy(() -> backend(binary, Duration.ofSeconds(60)).boot(spec(dir.resolve("run")).build()))
        .isInstanceOf(VmStartException.class);
    assertThat(Files.readString(probe).strip()).isEqualTo("700");
  }

  @Test
  void existingRuntimeDirIsRefused() throws Exception {
    Path runtime = Files.createDirectory(dir.resolve("run"));
    Path binary = ClhTestTarget.executable(dir.resolve("cloud-hypervisor"), "#!/bin/sh\nexit 0\n");
    assertThatThrownBy(() -> backend(binary, Duration.ofSeconds(5)).boot(spec(runtime).build()))
        .isInstanceOf(InvalidVmSpecException.class)
        .hasMessageContaining("must not exist yet");
  }
}
