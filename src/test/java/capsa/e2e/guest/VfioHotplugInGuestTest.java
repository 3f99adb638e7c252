package capsa.e2e.guest;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.hypervisor.pci.FakePciTree;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The real hot-plug path of a GPU, under TCG where no VFIO exists. The shim's {@link VfioDevices} sees a fake host
 * sysfs with one "GPU" (0000:41:00.0, IOMMU group 12, bound to vfio-pci) and hot-plugs it for a container through the
 * QEMU backend exactly as it would a GPU (free root port, {@code device_add}, guest path via {@code qom-get}); the
 * only difference is the QEMU driver: the emulated {@code edu} device (PCI 1234:11e8) stands in for {@code vfio-pci}
 * and has no {@code host=}. The agent in the guest waits for the function at the resolved guest PCI path
 * ({@code vfio-pci-gk}), rewrites {@code PCIDEVICE_*} to the guest BDF, and the container reads the device's ids from
 * sysfs there. Deleting the container's devices unplugs it ({@code device_del} + {@code DEVICE_DELETED}) and a later
 * container no longer finds it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class VfioHotplugInGuestTest {

  /** The QEMU device standing in for the GPU. */
  static final String STAND_IN = "edu";
  private static final String SHARED = "/run/kata-containers/shared/containers";
  private static final Mount SYSFS = Mount.newBuilder().setDestination("/sys").setType("sysfs").setSource("sysfs")
      .addAllOptions(List.of("nosuid", "noexec", "nodev", "ro")).build();

  private AgentVm vm;
  private Path host;

  @BeforeAll
  void boot() throws Exception {
    vm = new AgentVm("vfio-hotplug", QemuConfig.defaults().withVfioDriver(VfioDriver.emulatedStandIn(STAND_IN)),
        b -> b.machine(MachineType.Q35).pcieRootPorts(2));
    call().createSandbox(CreateSandboxRequest.newBuilder().setSandboxId("sb-vfio").setHostname("gpu-pod")
        .addStorages(Storage.newBuilder().setDriver("9p").setSource("kataShared").setFstype("9p")
            .addOptions("trans=virtio").addOptions("version=9p2000.L").addOptions("msize=262144")
            .setMountPoint(SHARED))
        .build());
    host = Files.createTempDirectory("capsa-fake-sys");
    FakePciTree.at(host).function("0000:41:00.0").group(12).driver("vfio-pci").numa(0)
        .bar(1, 16L << 20, true, true).add();
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
  void aHotPluggedStandInGpuReachesTheContainerAndLeavesOnUnplug() throws Exception {
    DeviceSettings settings = new DeviceSettings(true, host, List.of(), false, true,
        new PassthroughSettings(2, DataSize.bytes(0), Optional.empty(), List.of()));
    VfioDevices devices = new VfioDevices(settings);
    devices.coldPlan(Spec.getDefaultInstance());
    devices.booted(VfioVm.of(vm.vm));

    // What a device plugin puts into a container's spec: the group's node and the host BDF in PCIDEVICE_*.
    Spec base = GuestSpecs.spec("/bin/sh", "-c", "d=/sys/bus/pci/devices/$PCIDEVICE_NVIDIA_COM_GPU; "
        + "echo GPU $PCIDEVICE_NVIDIA_COM_GPU $(cat $d/vendor) $(cat $d/device)");
    Spec spec = base.toBuilder()
        .setProcess(base.getProcess().toBuilder().addEnv("PCIDEVICE_NVIDIA_COM_GPU=0000:41:00.0"))
        .addMounts(SYSFS)
        .setLinux(base.getLinux().toBuilder()
            .addDevices(LinuxDevice.newBuilder().setPath("/dev/vfio/12").setType("c").setMajor(243).setMinor(12)))
        .build();

    List<Device> agentDevices = devices.attach("gpu", spec);
    assertThat(agentDevices).singleElement().satisfies(d -> {
      assertThat(d.getType()).isEqualTo("vfio-pci-gk");
      assertThat(d.getId()).isEqualTo("12");
      assertThat(d.getContainerPath()).isEqualTo("/dev/vfio/12");
      assertThat(d.getOptionsList()).singleElement().asString().matches("0000:41:00\\.0=[0-9a-f]{2}/00");
    });
    String guestPath = agentDevices.get(0).getOptions(0).split("=")[1];

    vm.rootfs("gpu");
    call().createContainer(CreateContainerRequest.newBuilder().setContainerId("gpu").setExecId("gpu")
        .setOCI(spec).addAllDevices(agentDevices).build());
    call().startContainer(StartContainerRequest.newBuilder().setContainerId("gpu").build());
    String out = readAll("gpu");
    assertThat(waitProcess("gpu")).as(out + "\nconsole:\n" + vm.console()).isZero();
    // The agent put the guest BDF (behind the root port at guestPath's first slot) in place of the host one.
    assertThat(out.trim()).as("console:\n" + vm.console()).matches("GPU 0000:0[0-9a-f]:00\\.0 0x1234 0x11e8");
    String guestBdf = out.trim().split(" ")[1];

    devices.detach("gpu"); // returns after DEVICE_DELETED
    Spec gone = GuestSpecs.spec("/bin/sh", "-c", "test -e /sys/bus/pci/devices/" + guestBdf + " && echo STILL "
        + "|| echo GONE").toBuilder().addMounts(SYSFS).build();
    vm.rootfs("after");
    call().createContainer(CreateContainerRequest.newBuilder().setContainerId("after").setExecId("after")
        .setOCI(gone).build());
    call().startContainer(StartContainerRequest.newBuilder().setContainerId("after").build());
    assertThat(readAll("after").trim()).as("guest path was " + guestPath).isEqualTo("GONE");
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
