package capsa.hypervisor.qemu;

import capsa.hypervisor.AbstractHypervisorContractTest;
import capsa.hypervisor.Hypervisor;
import capsa.hypervisor.spec.MachineType;
import capsa.hypervisor.spec.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

/** The hypervisor contract against real QEMU (microvm, TCG) with the guest image. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class QemuHypervisorContractTest extends AbstractHypervisorContractTest {

  private QemuVmFixture fx;
  private final List<Path> dirs = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    fx = new QemuVmFixture();
  }

  @AfterEach
  void tearDown() throws Exception {
    fx.close();
    for (Path d : dirs) {
      QemuLogs.deleteTree(d);
    }
  }

  @Override
  protected Hypervisor hypervisor() {
    return fx.hypervisor;
  }

  @Override
  protected VmSpec.Builder bootableSpec(String id, Path dir) {
    return fx.spec(id, MachineType.MICROVM)
        .consoleLog(dir.resolve(id + "-console.log"))
        .vmmLog(dir.resolve(id + "-qemu.log"))
        .runtimeDir(dir.resolve(id));
  }

  @Override
  protected Path scratch() {
    try {
      Path d = Files.createTempDirectory(Path.of("/tmp"), "capsa-ct");
      dirs.add(d);
      return d;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
