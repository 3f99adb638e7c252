package capsa.agent.rpc;

import capsa.agent.cgroup.ResourceLimits;
import capsa.agent.device.DeviceRequest;
import capsa.agent.sandbox.SandboxRequest;
import capsa.agent.storage.StorageRequest;
import capsa.proto.agent.CreateSandboxRequest;
import capsa.proto.agent.Device;
import capsa.proto.agent.Storage;
import capsa.proto.oci.LinuxResources;
import java.util.List;
import java.util.OptionalLong;

/** Generated messages → the plain records the domain packages take, so they never import protobuf requests. */
final class ProtoRecords {
  private ProtoRecords() {}

  static StorageRequest storage(Storage s) {
    return new StorageRequest(
        s.getDriver(),
        s.getDriverOptionsList(),
        s.getSource(),
        s.getFstype(),
        s.getOptionsList(),
        s.getMountPoint(),
        s.getShared());
  }

  static List<StorageRequest> storages(List<Storage> list) {
    return list.stream().map(ProtoRecords::storage).toList();
  }

  static List<DeviceRequest> devices(List<Device> list) {
    return list.stream().map(d -> new DeviceRequest(d.getId(), d.getType(), d.getVmPath(), d.getContainerPath(),
        d.getOptionsList())).toList();
  }

  static SandboxRequest sandbox(CreateSandboxRequest r) {
    return new SandboxRequest(
        r.getSandboxId(), r.getHostname(), r.getDnsList(), storages(r.getStoragesList()), r.getSandboxPidns());
  }

  static ResourceLimits limits(LinuxResources r) {
    OptionalLong none = OptionalLong.empty();
    boolean mem = r.hasMemory();
    boolean cpu = r.hasCPU();
    return new ResourceLimits(
        mem && r.getMemory().getLimit() != 0 ? OptionalLong.of(r.getMemory().getLimit()) : none,
        mem && r.getMemory().getReservation() != 0 ? OptionalLong.of(r.getMemory().getReservation()) : none,
        mem && r.getMemory().getSwap() != 0 ? OptionalLong.of(r.getMemory().getSwap()) : none,
        cpu && r.getCPU().getShares() != 0 ? OptionalLong.of(r.getCPU().getShares()) : none,
        cpu && r.getCPU().getQuota() != 0 ? OptionalLong.of(r.getCPU().getQuota()) : none,
        cpu && r.getCPU().getPeriod() != 0 ? OptionalLong.of(r.getCPU().getPeriod()) : none,
        r.hasPids() && r.getPids().getLimit() != 0 ? OptionalLong.of(r.getPids().getLimit()) : none,
        cpu ? r.getCPU().getCpus() : "",
        cpu ? r.getCPU().getMems() : "");
  }
}
