package capsa.e2e.guest;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.hypervisor.pci.FakePciTree;
import capsa.hypervisor.pci.PassthroughPlan;
import capsa.hypervisor.pci.PassthroughSettings;
import capsa.hypervisor.qemu.QemuConfig;
import capsa.hypervisor.qemu.VfioDriver;
import capsa.hypervisor.spec.DataSize;
import capsa.hypervisor.spec.MachineType;
import capsa.proto.agent.AgentServiceGrpc;
import capsa.proto.agent.AgentServiceGrpc.AgentServiceBlockingStub;
import capsa.proto.agent.CreateContainerRequest;
import capsa.proto.agent.CreateSandboxRequest;
import capsa.proto.agent.Device;
import capsa.proto.agent.ReadStreamRequest;
import capsa.proto.agent.StartContainerRequest;
import capsa.proto.agent.Storage;
import capsa.proto.agent.WaitProcessRequest;
import capsa.proto.oci.LinuxDevice;
import capsa.proto.oci.Mount;
import capsa.proto.oci.Spec;
import capsa.shim.devices.DeviceSettings;
import capsa.shim.devices.VfioDevices;
import capsa.shim.devices.VfioVm;
import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The real cold- and hot-plug paths of a GPU, under TCG where no VFIO exists. The shim's {@link VfioDevices} sees a
 * fake host sysfs with two "GPUs" (IOMMU groups 11 and 12, bound to vfio-pci). Group 11 is asked for by the sandbox:
 * planned into the VM's command line (its own root port plus a spare) and, after boot, its guest path resolved with
 * {@code qom-get}. Group 12 is asked for by a later container: hot-plugged through the QEMU backend exactly as a GPU
 * would be (free root port, {@code device_add}, {@code qom-get}). The only difference from a GPU is the QEMU driver:
 * the emulated {@code edu} device (PCI 1234:11e8) stands in for {@code vfio-pci} and has no {@code host=}. The agent
 * waits for each function at its guest PCI path ({@code vfio-pci-gk}) and rewrites {@code PCIDEVICE_*} to the guest
 * BDF; the container reads the device's ids from sysfs there. Detaching the hot-plugged group unplugs it
 * ({@code device_del} + {@code DEVICE_DELETED}) and a later container no longer finds it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class VfioHotplugInGuestTest {

  /** The QEMU device standing in for the GPU. */
  static final String STAND_IN = "edu";
  private static final String SHARED = "/run/kata-containers/shared/containers";
  private static final Mount SYSFS = Mount.newBuilder().setDestination("/sys").setType("sysfs").setSource("sysfs")
      .addAllOptions(List.of("nosuid", "noexec", "nodev", "ro")).build();

  private AgentVm vm;
  private Path host;
  private VfioDevices devices;

  @BeforeAll
  void boot() throws Exception {
    host = Files.createTempDirectory("capsa-fake-sys");
    FakePciTree tree = FakePciTree.at(host);
    tree.function("0000:40:00.0").group(11).driver("vfio-pci").numa(0).bar(1, 16L << 20, true, true).add();
    tree.function("0000:41:00.0").group(12).driver("vfio-pci").numa(0).bar(1, 16L << 20, true, true).add();
    devices = new VfioDevices(new DeviceSettings(true, host, List.of(), false, true,
        new PassthroughSettings(1, DataSize.bytes(0), Optional.empty(), List.of())));
    // The sandbox asks for group 11 at creation: cold-plugged, one root port for it plus one spare.
    PassthroughPlan plan = devices.coldPlan(withVfio(Spec.getDefaultInstance(), 11));
    vm = new AgentVm("vfio-hotplug", QemuConfig.defaults().withVfioDriver(VfioDriver.emulatedStandIn(STAND_IN)),
        b -> plan.applyTo(b.machine(MachineType.Q35)));
    devices.booted(VfioVm.of(vm.vm));
    call().createSandbox(CreateSandboxRequest.newBuilder().setSandboxId("sb-vfio").setHostname("gpu-pod")
        .addStorages(Storage.newBuilder().setDriver("9p").setSource("kataShared").setFstype("9p")
            .addOptions("trans=virtio").addOptions("version=9p2000.L").addOptions("msize=262144")
            .setMountPoint(SHARED))
        .build());
  }

  /** What a device plugin puts into a container's spec: the group's node. */
  private static Spec withVfio(Spec spec, int group) {
    return spec.toBuilder().setLinux(spec.getLinux().toBuilder()
        .addDevices(LinuxDevice.newBuilder().setPath("/dev/vfio/" + group).setType("c").setMajor(243)
            .setMinor(group))).build();
  }

  /** A container that prints the ids of the PCI function whose guest BDF the agent put in PCIDEVICE_*. */
  private static Spec readsGpu(int group, String hostBdf) {
    Spec base = GuestSpecs.spec("/bin/sh", "-c", "d=/sys/bus/pci/devices/$PCIDEVICE_NVIDIA_COM_GPU; "
        + "echo GPU $PCIDEVICE_NVIDIA_COM_GPU $(cat $d/vendor) $(cat $d/device)");
    return withVfio(base.toBuilder()
        .setProcess(base.getProcess().toBuilder().addEnv("PCIDEVICE_NVIDIA_COM_GPU=" + hostBdf))
        .addMounts(SYSFS).build(), group);
  }

  /** Creates and runs a container with the agent Device entries, returns its output after asserting exit 0. */
  private String run(String id, Spec spec, List<Device> agentDevices) throws Exception {
    vm.rootfs(id);
    call().createContainer(CreateContainerRequest.newBuilder().setContainerId(id).setExecId(id)
        .setOCI(spec).addAllDevices(agentDevices).build());
    call().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
    String out = readAll(id);
    assertThat(waitProcess(id)).as(out + "\nconsole:\n" + vm.console()).isZero();
    return out.trim();
  }

  @Test
  @Order(1)
  void aColdPluggedStandInGpuIsFoundAtItsQomResolvedPath() throws Exception {
    Spec spec = readsGpu(11, "0000:40:00.0");
    List<Device> agentDevices = devices.attach("cold", spec);
    assertThat(agentDevices).singleElement().satisfies(d -> {
      assertThat(d.getId()).isEqualTo("11");
      assertThat(d.getOptionsList()).singleElement().asString().matches("0000:40:00\\.0=[0-9a-f]{2}/00");
    });
    assertThat(run("cold", spec, agentDevices)).as("console:\n" + vm.console())
        .matches("GPU 0000:0[0-9a-f]:00\\.0 0x1234 0x11e8");
  }

  @AfterAll
  void shutDown() throws Exception {
    if (vm != null) {
      vm.close();
    }
    if (host != null) {
      AgentVm.deleteTree(host);
    }
  }

  @Test
  @Order(2)
  void aHotPluggedStandInGpuReachesTheContainerAndLeavesOnUnplug() throws Exception {
    Spec spec = readsGpu(12, "0000:41:00.0");
    List<Device> agentDevices = devices.attach("gpu", spec);
    assertThat(agentDevices).singleElement().satisfies(d -> {
      assertThat(d.getType()).isEqualTo("vfio-pci-gk");
      assertThat(d.getId()).isEqualTo("12");
      assertThat(d.getContainerPath()).isEqualTo("/dev/vfio/12");
      assertThat(d.getOptionsList()).singleElement().asString().matches("0000:41:00\\.0=[0-9a-f]{2}/00");
    });
    String guestPath = agentDevices.get(0).getOptions(0).split("=")[1];

    String out = run("gpu", spec, agentDevices);
    // The agent put the guest BDF (behind the spare root port) in place of the host one.
    assertThat(out).as("console:\n" + vm.console()).matches("GPU 0000:0[0-9a-f]:00\\.0 0x1234 0x11e8");
    String guestBdf = out.split(" ")[1];

    devices.detach("gpu"); // returns after DEVICE_DELETED
    Spec gone = GuestSpecs.spec("/bin/sh", "-c", "test -e /sys/bus/pci/devices/" + guestBdf + " && echo STILL "
        + "|| echo GONE").toBuilder().addMounts(SYSFS).build();
    assertThat(run("after", gone, List.of())).as("guest path was " + guestPath).isEqualTo("GONE");
  }

  private AgentServiceBlockingStub call() {
    return AgentServiceGrpc.newBlockingStub(vm.client).withDeadlineAfter(3, TimeUnit.MINUTES);
  }

  private String readAll(String id) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      ByteString data = call().readStdout(ReadStreamRequest.newBuilder().setContainerId(id).setExecId(id)
          .setLen(32768).build()).getData();
      if (data.isEmpty()) {
        return out.toString(StandardCharsets.UTF_8);
      }
      out.writeBytes(data.toByteArray());
    }
  }

  private int waitProcess(String id) {
    return call().waitProcess(WaitProcessRequest.newBuilder().setContainerId(id).setExecId(id).build()).getStatus();
  }
}
