package capsa.hypervisor.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import capsa.hypervisor.DeviceException;
import capsa.hypervisor.InvalidVmSpecException;
import capsa.hypervisor.GuestPciPath;
import capsa.hypervisor.UnsupportedByBackendException;
import capsa.hypervisor.VmExit;
import capsa.hypervisor.VmState;
import capsa.hypervisor.VmStateException;
import capsa.hypervisor.qemu.qmp.QmpCommands;
import capsa.hypervisor.qemu.qmp.QmpException;
import capsa.hypervisor.spec.DataSize;
import capsa.hypervisor.spec.Device;
import capsa.hypervisor.spec.MachineType;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real QEMU under TCG: PCIe hotplug seen by the guest, QMP errors, pause/resume, kill -9 detection. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class QemuHotplugTest {

  /**
   * Runs instead of the agent (guest/README.md capsa.init hook): waits for the hot-plugged disk, prints where sysfs
   * puts it, waits until it is gone. No double quotes inside: the kernel command line delimits the value with them.
   */
  private static final String GUEST_SCRIPT = "capsa.init=\"while [ ! -e /sys/block/vda ]; do sleep 0.1; done; "
      + "echo VDA-AT $(readlink -f /sys/block/vda); while [ -e /sys/block/vda ]; do sleep 0.1; done; echo VDA-GONE; "
      + "while [ ! -e /sys/class/net/eth0 ]; do sleep 0.1; done; "
      + "echo NET-AT $(readlink -f /sys/class/net/eth0) $(cat /sys/class/net/eth0/address); "
      + "while [ -e /sys/class/net/eth0 ]; do sleep 0.1; done; echo NET-GONE; sleep 600\"";
  private static final Pattern SYSFS_NET =
      Pattern.compile("NET-AT /sys/devices/pci0000:00/0000:00:([0-9a-f]{2})\\.0/[0-9a-f]{4}:[0-9a-f]{2}:([0-9a-f]{2})"
          + "\\.0/virtio\\d+/net/eth0 ([0-9a-f:]{17})");
  /** {@code /sys/devices/pci0000:00/0000:00:<port slot>.0/0000:<bus>:<dev slot>.0/virtioN/block/vda}. */
  private static final Pattern SYSFS_PATH =
      Pattern.compile("VDA-AT /sys/devices/pci0000:00/0000:00:([0-9a-f]{2})\\.0/[0-9a-f]{4}:[0-9a-f]{2}:([0-9a-f]{2})"
          + "\\.0/virtio\\d+/block/vda");

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
  void hotPluggedDiskAndNicAppearAtThePredictedGuestPathsAndGoAway() throws Exception {
    Path disk = fx.work.resolve("disk.img");
    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
      f.setLength(16L * 1024 * 1024);
    }
    QemuVm vm = fx.boot(fx.spec("hp", MachineType.Q35).pcieRootPorts(1).kernelParam(GUEST_SCRIPT).build());
    QemuVmFixture.awaitConsole(vm.consoleLog(), "CAPSA-GUEST-UP", 90_000);

    // QEMU's own error text comes through, and the failed attempt does not use up the only root port.
    assertThatThrownBy(() -> vm.hotplug(new Device.Block("bad0", fx.work.resolve("missing.img"), false)))
        .isInstanceOf(DeviceException.class)
        .hasRootCauseInstanceOf(QmpException.class)
        .rootCause().satisfies(c -> assertThat(((QmpException) c).desc()).contains("No such file or directory"));

    GuestPciPath predicted = vm.hotplug(new Device.Block("vblk0", disk, false));
    String console = QemuVmFixture.awaitConsole(vm.consoleLog(), "VDA-AT", 60_000);
    Matcher m = SYSFS_PATH.matcher(console);
    assertThat(m.find()).as("sysfs path in console:\n" + console).isTrue();
    assertThat(predicted.toString()).isEqualTo(m.group(1) + "/" + m.group(2));

    assertThatThrownBy(() -> vm.hotplug(new Device.Block("vblk1", disk, true)))
        .isInstanceOf(DeviceException.class).hasMessageContaining("no free PCIe root port");

    vm.unplug("vblk0"); // returns after DEVICE_DELETED
    QemuVmFixture.awaitConsole(vm.consoleLog(), "VDA-GONE", 60_000);
    // The drive node went too: adding it again under the same name works.
    vm.qmp().execute(new QmpCommands.BlockdevAdd(QemuCommandLine.driveNodeName("vblk0"), disk.toString(), true))
        .get(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> vm.unplug("vblk0")).isInstanceOf(DeviceException.class);

    // A NIC on a host tap takes the freed port; the guest sees eth0 with our MAC at the predicted path.
    String tap = "capsatap" + (ProcessHandle.current().pid() % 100000);
    run("ip", "tuntap", "add", "dev", tap, "mode", "tap");
    try {
      GuestPciPath nicPath = vm.hotplug(new Device.Nic("nic0", tap, "02:ca:95:a0:00:01"));
      String c2 = QemuVmFixture.awaitConsole(vm.consoleLog(), "NET-AT", 60_000);
      Matcher n = SYSFS_NET.matcher(c2);
      assertThat(n.find()).as("sysfs path in console:\n" + c2).isTrue();
      assertThat(nicPath.toString()).isEqualTo(n.group(1) + "/" + n.group(2));
      assertThat(n.group(3)).isEqualTo("02:ca:95:a0:00:01");
      vm.unplug("nic0");
      QemuVmFixture.awaitConsole(vm.consoleLog(), "NET-GONE", 60_000);
    } finally {
      run("ip", "link", "del", tap);
    }
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
  }

  /** Records MemTotal, waits for cpu1 to appear and onlines it, waits for more memory, then for cpu1 to go. */
  private static final String RESIZE_SCRIPT = "capsa.init=\"grep MemTotal /proc/meminfo > /m0; "
      + "echo MEM-BEFORE $(cat /m0); "
      + "while [ ! -e /sys/devices/system/cpu/cpu1 ]; do sleep 0.1; done; "
      + "echo 1 > /sys/devices/system/cpu/cpu1/online; echo CPUS-ONLINE $(cat /sys/devices/system/cpu/online); "
      + "while [ $(awk '/MemTotal/{print $2}' /proc/meminfo) -le $(awk '{print $2}' /m0) ]; do sleep 0.1; done; "
      + "echo MEM-AFTER $(grep MemTotal /proc/meminfo); "
      + "while [ -e /sys/devices/system/cpu/cpu1 ]; do sleep 0.1; done; echo CPU1-GONE; sleep 600\"";

  @Test
  void q35GrowsVcpusAndMemoryAndShrinksVcpus() throws Exception {
    QemuVm vm = fx.boot(fx.spec("rs", MachineType.Q35).vcpus(1).maxVcpus(2)
        .memory(DataSize.mebibytes(512)).maxMemory(DataSize.mebibytes(1024)).kernelParam(RESIZE_SCRIPT).build());
    QemuVmFixture.awaitConsole(vm.consoleLog(), "MEM-BEFORE", 90_000);
    assertThatThrownBy(() -> vm.resize(3, DataSize.mebibytes(512))).isInstanceOf(InvalidVmSpecException.class);
    assertThatThrownBy(() -> vm.resize(1, DataSize.mebibytes(256))).isInstanceOf(UnsupportedByBackendException.class);

    vm.resize(2, DataSize.mebibytes(768));
    QemuVmFixture.awaitConsole(vm.consoleLog(), "CPUS-ONLINE 0-1", 60_000);
    String console = QemuVmFixture.awaitConsole(vm.consoleLog(), "MEM-AFTER", 60_000);
    Matcher before = Pattern.compile("MEM-BEFORE MemTotal: (\\d+) kB").matcher(console);
    Matcher after = Pattern.compile("MEM-AFTER MemTotal: (\\d+) kB").matcher(console);
    assertThat(before.find() && after.find()).as(console).isTrue();
    assertThat(Long.parseLong(after.group(1)) - Long.parseLong(before.group(1))).isEqualTo(256L * 1024);

    vm.resize(1, DataSize.mebibytes(768)); // returns after DEVICE_DELETED for the vCPU
    QemuVmFixture.awaitConsole(vm.consoleLog(), "CPU1-GONE", 60_000);
  }

  @Test
  void pauseResumeAndKillMinusNineIsReportedWithinOneSecond() throws Exception {
    QemuVm vm = fx.boot(fx.spec("k9", MachineType.MICROVM).build());
    assertThatThrownBy(() -> vm.hotplug(new Device.Block("d", fx.work.resolve("x"), true)))
        .isInstanceOf(UnsupportedByBackendException.class);
    assertThatThrownBy(() -> vm.resize(1, vm.spec().memory())).isInstanceOf(UnsupportedByBackendException.class);
    assertThatThrownBy(vm::resume).isInstanceOf(VmStateException.class);
    vm.pause();
    assertThat(vm.state()).isEqualTo(VmState.PAUSED);
    assertThat(vm.qmp().execute(new QmpCommands.QueryStatus()).get(10, TimeUnit.SECONDS).status()).isEqualTo("paused");
    vm.resume();
    assertThat(vm.qmp().execute(new QmpCommands.QueryStatus()).get(10, TimeUnit.SECONDS).running()).isTrue();

    Path dir = vm.spec().runtimeDir();
    Process kill = new ProcessBuilder("kill", "-9", Long.toString(vm.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    long killed = System.nanoTime();
    VmExit exit = vm.exit().get(10, TimeUnit.SECONDS);
    Duration seen = Duration.ofNanos(System.nanoTime() - killed);
    assertThat(seen).isLessThan(Duration.ofSeconds(1));
    assertThat(exit.requested()).isFalse();
    assertThat(exit.exitCode().getAsInt()).isEqualTo(128 + 9);
    assertThat(vm.state()).isEqualTo(VmState.STOPPED);
    assertThat(dir).doesNotExist(); // cleanup ran before the exit was reported
    assertThatThrownBy(vm::pause).isInstanceOf(VmStateException.class);
  }
}
