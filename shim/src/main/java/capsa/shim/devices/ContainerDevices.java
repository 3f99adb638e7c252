package capsa.shim.devices;

import capsa.proto.agent.Device;
import capsa.proto.oci.Spec;
import capsa.shim.sandbox.TaskException;
import java.util.List;

/** The devices of a sandbox's containers, as the sandbox's lifecycle sees them. */
public interface ContainerDevices {

  /** Makes the devices {@code spec} asks for present in the VM and returns the agent's Device entries for them. */
  List<Device> attach(String containerId, Spec spec);

  /** The container is gone: devices hot-plugged for it alone leave the VM. Never throws. */
  void detach(String containerId);

  /** A sandbox without passthrough: any VFIO request is refused. */
  ContainerDevices NONE = new ContainerDevices() {
    @Override
    public List<Device> attach(String containerId, Spec spec) {
      if (spec.hasLinux() && spec.getLinux().getDevicesList().stream()
          .anyMatch(d -> d.getPath().matches("/dev/vfio/[0-9]+"))) {
        throw new TaskException.FailedPrecondition("container " + containerId + " asks for a VFIO device but "
            + "passthrough is not enabled for this sandbox");
      }
      return List.of();
    }

    @Override
    public void detach(String containerId) {}
  };
}
