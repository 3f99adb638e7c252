package capsa.hypervisor.qemu;

import capsa.hypervisor.DeviceException;
import capsa.hypervisor.InvalidVmSpecException;
import capsa.hypervisor.UnsupportedByBackendException;
import capsa.hypervisor.qemu.qmp.QmpClient;
import capsa.hypervisor.qemu.qmp.QmpCommands;
import capsa.hypervisor.qemu.qmp.QmpCommands.HotpluggableCpu;
import capsa.hypervisor.spec.DataSize;
import capsa.hypervisor.spec.VmSpec;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * vCPU and memory hotplug on q35. vCPUs: {@code query-hotpluggable-cpus}, then {@code device_add} of the free slots
 * (lowest topology ids first); removal is last-in first-out and only of vCPUs added here. Memory only grows: each step
 * is a {@code memory-backend-ram} plus a {@code pc-dimm}, rounded up to the guest's 128 MiB memory block.
 * Onlining in the guest is the agent's job (Kata: {@code OnlineCPUMem}); memory onlines itself because q35 guests get
 * {@code memhp_default_state=online}.
 *
 * <p>Threading: one resize at a time ({@code synchronized}); blocking.
 */
final class QemuResize {

  private static final Logger LOG = LoggerFactory.getLogger(QemuResize.class);
  /** x86-64 Linux hot-adds memory in 128 MiB blocks; smaller DIMMs would be partly unusable. */
  static final DataSize MEMORY_BLOCK = DataSize.mebibytes(128);

  private final VmSpec spec;
  private final QmpClient qmp;
  private final QemuConfig config;
  private final Deque<String> addedCpus = new ArrayDeque<>();
  private int vcpus;
  private long memoryBytes;
  private int dimms;

  QemuResize(VmSpec spec, QmpClient qmp, QemuConfig config) {
    this.spec = spec;
    this.qmp = qmp;
    this.config = config;
    this.vcpus = spec.vcpus();
    this.memoryBytes = spec.memory().bytes();
  }

  synchronized void resize(int wantedVcpus, DataSize wantedMemory) {
    if (wantedVcpus < spec.vcpus() || wantedVcpus > spec.maxVcpus()) {
      throw new InvalidVmSpecException("vCPUs can be resized within [" + spec.vcpus() + ", " + spec.maxVcpus()
          + "] (boot vCPUs cannot be removed), asked for " + wantedVcpus);
    }
    if (wantedMemory.bytes() < memoryBytes) {
      throw new UnsupportedByBackendException("Guest memory cannot shrink (is " + DataSize.bytes(memoryBytes)
          + ", asked for " + wantedMemory + ")");
    }
    if (wantedMemory.compareTo(spec.maxMemory()) > 0) {
      throw new InvalidVmSpecException("Memory can grow up to maxMemory=" + spec.maxMemory() + ", asked for "
          + wantedMemory);
    }
    while (vcpus < wantedVcpus) {
      addCpu();
    }
    while (vcpus > wantedVcpus) {
      removeCpu();
    }
    if (wantedMemory.bytes() > memoryBytes) {
      addMemory(wantedMemory.bytes() - memoryBytes);
    }
  }

  private void addCpu() {
    List<HotpluggableCpu> slots = QemuVm.await(qmp.execute(new QmpCommands.QueryHotpluggableCpus()),
        "query-hotpluggable-cpus");
    HotpluggableCpu free = slots.stream().filter(c -> c.qomPath().isEmpty())
        .min(Comparator.comparing(c -> c.props().values().stream().map(String::valueOf)
            .collect(Collectors.joining(","))))
        .orElseThrow(() -> new DeviceException("QEMU offers no free vCPU slot (maxVcpus=" + spec.maxVcpus() + ")"));
    String id = "cpu-" + (spec.vcpus() + addedCpus.size());
    Map<String, Object> props = new LinkedHashMap<>(free.props());
    QemuVm.await(qmp.execute(new QmpCommands.DeviceAdd(free.type(), id, props)), "vCPU hotplug of " + id);
    addedCpus.push(id);
    vcpus += free.vcpusCount();
    LOG.info("VM {}: added vCPU {} ({} {}), now {}", spec.id(), id, free.type(), free.props(), vcpus);
  }

  private void removeCpu() {
    String id = addedCpus.peek();
    if (id == null) {
      throw new UnsupportedByBackendException("Only hot-added vCPUs can be removed");
    }
    // QEMU 7.2 announces a vCPU's removal only with DEVICE_DELETED for its ".../lapic" child, never with the vCPU's
    // id, so watch the slot instead: it is free again once its qom-path is gone.
    QemuVm.await(qmp.execute(new QmpCommands.DeviceDel(id)), "device_del " + id);
    String path = "/machine/peripheral/" + id;
    long deadline = System.nanoTime() + config.unplugTimeout().toNanos();
    while (QemuVm.await(qmp.execute(new QmpCommands.QueryHotpluggableCpus()), "query-hotpluggable-cpus").stream()
        .anyMatch(c -> c.qomPath().filter(path::equals).isPresent())) {
      if (System.nanoTime() > deadline) {
        throw new DeviceException("The guest did not release vCPU " + id + " within " + config.unplugTimeout());
      }
      try {
        Thread.sleep(100); // no event carries this vCPU's id (see above); poll the slot list
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeviceException("Interrupted while removing vCPU " + id, e);
      }
    }
    addedCpus.pop();
    vcpus--;
    LOG.info("VM {}: removed vCPU {}, now {}", spec.id(), id, vcpus);
  }

  private void addMemory(long delta) {
    long block = MEMORY_BLOCK.bytes();
    long rounded = (delta + block - 1) / block * block;
    if (memoryBytes + rounded > spec.maxMemory().bytes()) {
      throw new InvalidVmSpecException("Growing by " + DataSize.bytes(delta) + " rounds up to "
          + DataSize.bytes(rounded) + " (128 MiB blocks), beyond maxMemory=" + spec.maxMemory());
    }
    if (dimms >= QemuCommandLine.MEMORY_SLOTS) {
      throw new DeviceException("All " + QemuCommandLine.MEMORY_SLOTS + " memory hotplug slots are used");
    }
    String mem = "mem" + dimms;
    String dimm = "dimm" + dimms;
    QemuVm.await(qmp.execute(new QmpCommands.ObjectAddMemoryRam(mem, rounded)), "object-add " + mem);
    try {
      QemuVm.await(qmp.execute(new QmpCommands.DeviceAdd("pc-dimm", dimm, Map.of("memdev", mem))),
          "device_add " + dimm);
    } catch (RuntimeException e) {
      try {
        QemuVm.await(qmp.execute(new QmpCommands.ObjectDel(mem)), "object-del " + mem);
      } catch (RuntimeException undo) {
        e.addSuppressed(undo);
      }
      throw e;
    }
    dimms++;
    memoryBytes += rounded;
    LOG.info("VM {}: added {} of memory as {}, now {}", spec.id(), DataSize.bytes(rounded), dimm,
        DataSize.bytes(memoryBytes));
  }
}
