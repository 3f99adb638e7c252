package capsa.hypervisor.pci;

import static capsa.hypervisor.pci.FakeGpuHosts.GIB;
import static capsa.hypervisor.pci.FakeGpuHosts.MIB;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Mmio64WindowTest {

  @TempDir
  Path root;

  @Test
  void oneH100NeedsAPowerOfTwoAboveItsBars() {
    PciFunction gpu = FakeGpuHosts.oneGpu(root).sysfs().function(PciAddress.parse("0000:41:00.0"));
    // 128 GiB + 32 MiB does not fit a 128 GiB bridge window: the port gets 256 GiB.
    Mmio64Window w = Mmio64Window.forPorts(List.of(gpu), 0, 0);
    assertThat(w.bytes()).isEqualTo(256 * GIB);
    assertThat(w.mebibytes()).isEqualTo(256 * 1024);
    assertThat(w.exceedsDefault()).isTrue();
  }

  @Test
  void eightGpusAndSparePortsSumThenRoundTheTotal() {
    PciSysfs s = FakeGpuHosts.eightGpus(root).sysfs();
    List<PciFunction> gpus = s.all().stream().filter(PciFunction::isDisplay).toList();
    assertThat(Mmio64Window.forPorts(gpus, 0, 0).bytes()).isEqualTo(2048 * GIB);
    // 8 x 256 GiB + 2 spares x 64 GiB = 2176 GiB -> 4 TiB.
    assertThat(Mmio64Window.forPorts(gpus, 2, 64 * GIB).bytes()).isEqualTo(4096 * GIB);
  }

  @Test
  void smallDevicesKeepTheFirmwareDefault() {
    assertThat(Mmio64Window.forPorts(List.of(), 0, 0).bytes()).isEqualTo(Mmio64Window.FIRMWARE_DEFAULT);
    assertThat(Mmio64Window.forPorts(List.of(), 0, 0).exceedsDefault()).isFalse();
    assertThat(Mmio64Window.ceilPowerOfTwo(3 * MIB)).isEqualTo(4 * MIB);
    assertThat(Mmio64Window.ceilPowerOfTwo(1)).isEqualTo(MIB);
    assertThat(Mmio64Window.ceilPowerOfTwo(0)).isZero();
  }
}
