package capsa.hypervisor.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import capsa.hypervisor.InvalidVmSpecException;
import capsa.hypervisor.VmStartException;
import capsa.hypervisor.spec.BootSource;
import capsa.hypervisor.spec.MachineType;
import capsa.hypervisor.spec.SharedFs;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.epoll.EpollEventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input is rejected before anything launches, and a QEMU that fails or hangs at start leaves nothing behind.
 * Uses stand-in "QEMU" scripts where a real one cannot be made to fail on purpose.
 */
class QemuStartFailureTest {

  private static final HostFacts TCG = new HostFacts(false, false, OptionalLong.of(2_095_999));
  private final EpollEventLoopGroup group = new EpollEventLoopGroup(1);
  private Path work;
  private Path kernel;
  private Path initrd;

  @BeforeEach
  void setUp() throws Exception {
    work = Files.createTempDirectory(Path.of("/tmp"), "capsa-qf");
    kernel = Files.writeString(work.resolve("vmlinux"), "not really a kernel");
    initrd = Files.writeString(work.resolve("initrd"), "not really an initrd");
  }

  @AfterEach
  void tearDown() throws Exception {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    QemuLogs.deleteTree(work);
  }

  private QemuHypervisor hypervisor(Path binary, Duration startTimeout) {
    QemuConfig c = new QemuConfig(binary, startTimeout, Duration.ofSeconds(5), Duration.ofSeconds(5));
    return new QemuHypervisor(c, group, TCG, new ObjectMapper(), Optional.empty());
  }

  private QemuHypervisor realQemu() {
    return hypervisor(QemuConfig.defaults().binary(), Duration.ofSeconds(30));
  }

  private capsa.hypervisor.spec.VmSpec.Builder spec() {
    return capsa.hypervisor.spec.VmSpec.builder().id("bad")
        .boot(new BootSource.Initrd(kernel, initrd))
        .consoleLog(work.resolve("console.log"))
        .vmmLog(work.resolve("qemu.log"))
        .runtimeDir(work.resolve("rt"));
  }

  @Test
  void missingKernelOrInitrdIsNamed() {
    assertThatThrownBy(() -> realQemu().boot(spec().boot(new BootSource.Initrd(work.resolve("nope"), initrd))
        .build())).isInstanceOf(InvalidVmSpecException.class).hasMessageContaining("kernel").hasMessageContaining("nope");
    assertThatThrownBy(() -> realQemu().boot(spec().boot(new BootSource.Initrd(kernel, work.resolve("gone")))
        .build())).isInstanceOf(InvalidVmSpecException.class).hasMessageContaining("initrd");
    assertThat(work.resolve("rt")).doesNotExist();
  }

  @Test
  void missingQemuBinaryIsAStartError() {
    assertThatThrownBy(() -> hypervisor(work.resolve("qemu-system-x86_64"), Duration.ofSeconds(5))
        .boot(spec().build())).isInstanceOf(VmStartException.class).hasMessageContaining("QEMU binary");
    assertThat(work.resolve("rt")).doesNotExist();
  }

  @Test
  void socketPathOverTheLimitIsRejected() throws Exception {
    Path deep = Files.createDirectories(work.resolve("d".repeat(60)));
    assertThatThrownBy(() -> realQemu().boot(spec().runtimeDir(deep.resolve("r".repeat(40))).build()))
        .isInstanceOf(InvalidVmSpecException.class).hasMessageContaining("over the limit of 107");
  }

  @Test
  void existingRuntimeDirIsNotReused() throws Exception {
    Files.createDirectory(work.resolve("rt"));
    assertThatThrownBy(() -> realQemu().boot(spec().build())).isInstanceOf(InvalidVmSpecException.class)
        .hasMessageContaining("must not exist");
  }

  @Test
  void machineConstraintsAndUnsupportedFeatures() {
    assertThatThrownBy(() -> realQemu().boot(spec().sharedFs(new SharedFs.VirtioFs("kataShared", work)).build()))
        .hasMessageContaining("virtiofsd");
    assertThatThrownBy(() -> realQemu().boot(spec().agentChannel(
        capsa.hypervisor.spec.AgentChannelKind.HYBRID_VSOCK).build())).hasMessageContaining("hybrid vsock");
    assertThatThrownBy(() -> realQemu().boot(spec().sharedFs(new SharedFs.NineP("kataShared", work.resolve("no")))
        .build())).isInstanceOf(InvalidVmSpecException.class).hasMessageContaining("Shared directory");
    assertThatThrownBy(() -> realQemu().boot(spec().agentChannel(capsa.hypervisor.spec.AgentChannelKind.VSOCK)
        .build())).isInstanceOf(capsa.hypervisor.UnsupportedByBackendException.class)
        .hasMessageContaining("/dev/vhost-vsock");
    assertThatThrownBy(() -> realQemu().boot(spec().machine(MachineType.Q35).pcieRootPorts(1)
        .vfioDevice(new capsa.hypervisor.spec.Device.Vfio("gpu0", "0000:41:00.0")).build()))
        .isInstanceOf(capsa.hypervisor.UnsupportedByBackendException.class).hasMessageContaining("KVM");
    assertThat(work.resolve("rt")).doesNotExist();
  }

  @Test
  void qemuThatExitsAtStartGivesItsMessageAndLeavesNothing() throws Exception {
    Path fake = script("fake-qemu-exits",
        "echo \"qemu-system-x86_64: -device bogus: 'bogus' is not a valid device model name\" >&2; exit 1");
    assertThatThrownBy(() -> hypervisor(fake, Duration.ofSeconds(20)).boot(spec().build()))
        .isInstanceOf(VmStartException.class)
        .hasMessageContaining("status 1")
        .hasMessageContaining("'bogus' is not a valid device model name");
    assertThat(work.resolve("rt")).doesNotExist();
    assertThat(work.resolve("qemu.log")).exists();
  }

  @Test
  void qemuThatNeverOpensQmpIsKilledAndCleanedUp() throws Exception {
    Path pidOut = work.resolve("fake.pid");
    Path fake = script("fake-qemu-hangs", "echo $$ > " + pidOut + "; exec sleep 600");
    assertThatThrownBy(() -> hypervisor(fake, Duration.ofSeconds(2)).boot(spec().build()))
        .isInstanceOf(VmStartException.class).hasMessageContaining("did not answer within");
    long pid = Long.parseLong(Files.readString(pidOut).trim());
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(work.resolve("rt")).doesNotExist();
  }

  @Test
  void realQemuRejectingTheKernelLeavesNothing() {
    // A text file as kernel: QEMU refuses it at start-up (after we launched it), with its own message.
    assertThatThrownBy(() -> realQemu().boot(spec().machine(MachineType.Q35).build()))
        .isInstanceOf(VmStartException.class).hasMessageContaining("QEMU exited during start");
    assertThat(work.resolve("rt")).doesNotExist();
  }

  private Path script(String name, String body) throws Exception {
    Path p = work.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }
}
