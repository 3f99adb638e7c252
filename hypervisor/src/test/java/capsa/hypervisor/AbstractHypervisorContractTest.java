package capsa.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import capsa.hypervisor.spec.BootSource;
import capsa.hypervisor.spec.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Hypervisor} backend must do, whatever VMM is behind it. A backend's test extends this and supplies
 * the hypervisor and a bootable spec (real VMM, or a stand-in where the real one cannot run).
 */
public abstract class AbstractHypervisorContractTest {

  /** The backend under test. */
  protected abstract Hypervisor hypervisor();

  /** A spec that boots with this backend; runtime dir and logs must be inside {@code dir} (short paths). */
  protected abstract VmSpec.Builder bootableSpec(String id, Path dir);

  /** A fresh scratch directory with a short path (socket paths are limited to 107 bytes). */
  protected abstract Path scratch();

  @Test
  void lifecycleFollowsTheStateTableAndStopLeavesNothing() throws Exception {
    VmSpec spec = bootableSpec("c1", scratch()).build();
    try (Vm vm = hypervisor().boot(spec)) {
      assertThat(vm.id()).isEqualTo("c1");
      assertThat(vm.state()).isEqualTo(VmState.RUNNING);
      assertThat(vm.timeline().vmmReady()).isPresent();
      assertThat(vm.exit()).isNotDone();
      assertThat(spec.runtimeDir()).isDirectory();
      if (hypervisor().capabilities().pause()) {
        vm.pause();
        assertThat(vm.state()).isEqualTo(VmState.PAUSED);
        assertThatThrownBy(vm::pause).isInstanceOf(VmStateException.class);
        vm.resume();
        assertThat(vm.state()).isEqualTo(VmState.RUNNING);
      }
      VmExit exit = vm.stop(Duration.ofSeconds(10));
      assertThat(exit.requested()).isTrue();
      assertThat(vm.state()).isEqualTo(VmState.STOPPED);
      assertThat(vm.exit()).isCompletedWithValue(exit);
      assertThat(spec.runtimeDir()).doesNotExist();
      assertThatThrownBy(vm::resume).isInstanceOf(VmStateException.class);
      vm.close(); // idempotent
      assertThat(vm.stop(Duration.ofSeconds(1))).isEqualTo(exit);
    }
    assertThat(spec.consoleLog()).exists(); // logs stay for post-mortems
  }

  @Test
  void closeWithoutStopKillsAndCleansUp() {
    VmSpec spec = bootableSpec("c2", scratch()).build();
    Vm vm = hypervisor().boot(spec);
    vm.close();
    assertThat(vm.state()).isEqualTo(VmState.STOPPED);
    assertThat(vm.exit()).isDone();
    assertThat(spec.runtimeDir()).doesNotExist();
  }

  @Test
  void validateLaunchesNothing() {
    VmSpec spec = bootableSpec("c3", scratch()).build();
    hypervisor().validate(spec);
    assertThat(spec.runtimeDir()).doesNotExist();
  }

  @Test
  void badInputIsRejectedBeforeLaunch() throws Exception {
    Path dir = scratch();
    VmSpec good = bootableSpec("c4", dir).build();
    VmSpec noKernel = bootableSpec("c4", dir)
        .boot(new BootSource.Initrd(dir.resolve("no-such-kernel"), dir.resolve("no-such-initrd"))).build();
    assertThatThrownBy(() -> hypervisor().boot(noKernel)).isInstanceOf(InvalidVmSpecException.class)
        .hasMessageContaining("no-such-kernel");
    Files.createDirectories(good.runtimeDir());
    assertThatThrownBy(() -> hypervisor().boot(good)).isInstanceOf(InvalidVmSpecException.class)
        .hasMessageContaining("must not exist");
    Files.delete(good.runtimeDir());
    Path deep = Files.createDirectories(dir.resolve("x".repeat(70)));
    VmSpec longPath = bootableSpec("c4", dir).runtimeDir(deep.resolve("y".repeat(40))).build();
    assertThatThrownBy(() -> hypervisor().boot(longPath)).isInstanceOf(InvalidVmSpecException.class)
        .hasMessageContaining("107");
    assertThat(deep.resolve("y".repeat(40))).doesNotExist();
  }
}
