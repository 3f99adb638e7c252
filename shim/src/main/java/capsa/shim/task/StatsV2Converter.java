package capsa.shim.task;

import capsa.proto.agent.BlkioStatsEntry;
import capsa.proto.agent.CgroupStats;
import capsa.proto.io.containerd.cgroups.v2.CPUStat;
import capsa.proto.io.containerd.cgroups.v2.IOEntry;
import capsa.proto.io.containerd.cgroups.v2.IOStat;
import capsa.proto.io.containerd.cgroups.v2.MemoryEvents;
import capsa.proto.io.containerd.cgroups.v2.MemoryStat;
import capsa.proto.io.containerd.cgroups.v2.Metrics;
import capsa.proto.io.containerd.cgroups.v2.PidsStat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ObjLongConsumer;

/**
 * The agent's cgroup stats → {@code io.containerd.cgroups.v2.Metrics}, what CRI decodes on a host with the unified
 * (v2) hierarchy. The agent reports in cgroup v1's shape (nanoseconds, usage/limit pairs) plus the guest's raw
 * {@code memory.stat}; a v2 guest's raw keys are v2's own names, so they map one to one (a v1 guest's {@code rss} and
 * {@code cache} stand in for {@code anon} and {@code file}).
 */
final class StatsV2Converter {

    /** memory.stat keys copied as they are. */
    private static final Map<String, ObjLongConsumer<MemoryStat.Builder>> MEMORY_KEYS = memoryKeys();

    private StatsV2Converter() {}

    static Metrics toMetrics(CgroupStats s) {
        Metrics.Builder m = Metrics.newBuilder();
        if (s.hasPidsStats()) {
            m.setPids(PidsStat.newBuilder().setCurrent(s.getPidsStats().getCurrent())
                    .setLimit(s.getPidsStats().getLimit()));
        }
        if (s.hasCpuStats()) {
            var usage = s.getCpuStats().getCpuUsage();
            var throttling = s.getCpuStats().getThrottlingData();
            m.setCpu(CPUStat.newBuilder()
                    .setUsageUsec(usage.getTotalUsage() / 1000)
                    .setUserUsec(usage.getUsageInUsermode() / 1000)
                    .setSystemUsec(usage.getUsageInKernelmode() / 1000)
                    .setNrPeriods(throttling.getPeriods())
                    .setNrThrottled(throttling.getThrottledPeriods())
                    .setThrottledUsec(throttling.getThrottledTime() / 1000));
        }
        if (s.hasMemoryStats()) {
            var mem = s.getMemoryStats();
            Map<String, Long> raw = mem.getStatsMap();
            MemoryStat.Builder b = MemoryStat.newBuilder()
                    .setAnon(raw.getOrDefault("anon", raw.getOrDefault("rss", 0L)))
                    .setFile(raw.getOrDefault("file", raw.getOrDefault("cache", mem.getCache())))
                    .setUsage(mem.getUsage().getUsage())
                    .setUsageLimit(mem.getUsage().getLimit())
                    .setMaxUsage(mem.getUsage().getMaxUsage())
                    .setSwapUsage(mem.getSwapUsage().getUsage())
                    .setSwapLimit(mem.getSwapUsage().getLimit());
            MEMORY_KEYS.forEach((key, setter) -> {
                Long v = raw.get(key);
                if (v != null) {
                    setter.accept(b, v);
                }
            });
            m.setMemory(b);
            // The agent's failcnt is memory.events "max" (times the limit was hit).
            m.setMemoryEvents(MemoryEvents.newBuilder().setMax(mem.getUsage().getFailcnt()));
        }
        if (s.hasBlkioStats()) {
            m.setIo(io(s.getBlkioStats().getIoServiceBytesRecursiveList(),
                    s.getBlkioStats().getIoServicedRecursiveList()));
        }
        return m.build();
    }

    /** v1's per-operation entries folded back into v2's one entry per device. */
    private static IOStat io(List<BlkioStatsEntry> bytes, List<BlkioStatsEntry> ios) {
        Map<String, IOEntry.Builder> devices = new LinkedHashMap<>();
        for (BlkioStatsEntry e : bytes) {
            IOEntry.Builder d = device(devices, e);
            if (e.getOp().equalsIgnoreCase("read")) {
                d.setRbytes(d.getRbytes() + e.getValue());
            } else if (e.getOp().equalsIgnoreCase("write")) {
                d.setWbytes(d.getWbytes() + e.getValue());
            }
        }
        for (BlkioStatsEntry e : ios) {
            IOEntry.Builder d = device(devices, e);
            if (e.getOp().equalsIgnoreCase("read")) {
                d.setRios(d.getRios() + e.getValue());
            } else if (e.getOp().equalsIgnoreCase("write")) {
                d.setWios(d.getWios() + e.getValue());
            }
        }
        IOStat.Builder out = IOStat.newBuilder();
        devices.values().forEach(out::addUsage);
        return out.build();
    }

    private static IOEntry.Builder device(Map<String, IOEntry.Builder> devices, BlkioStatsEntry e) {
        return devices.computeIfAbsent(e.getMajor() + ":" + e.getMinor(),
                k -> IOEntry.newBuilder().setMajor(e.getMajor()).setMinor(e.getMinor()));
    }

    private static Map<String, ObjLongConsumer<MemoryStat.Builder>> memoryKeys() {
        Map<String, ObjLongConsumer<MemoryStat.Builder>> k = new LinkedHashMap<>();
        k.put("kernel_stack", MemoryStat.Builder::setKernelStack);
        k.put("slab", MemoryStat.Builder::setSlab);
        k.put("sock", MemoryStat.Builder::setSock);
        k.put("shmem", MemoryStat.Builder::setShmem);
        k.put("file_mapped", MemoryStat.Builder::setFileMapped);
        k.put("file_dirty", MemoryStat.Builder::setFileDirty);
        k.put("file_writeback", MemoryStat.Builder::setFileWriteback);
        k.put("anon_thp", MemoryStat.Builder::setAnonThp);
        k.put("inactive_anon", MemoryStat.Builder::setInactiveAnon);
        k.put("active_anon", MemoryStat.Builder::setActiveAnon);
        k.put("inactive_file", MemoryStat.Builder::setInactiveFile);
        k.put("active_file", MemoryStat.Builder::setActiveFile);
        k.put("unevictable", MemoryStat.Builder::setUnevictable);
        k.put("slab_reclaimable", MemoryStat.Builder::setSlabReclaimable);
        k.put("slab_unreclaimable", MemoryStat.Builder::setSlabUnreclaimable);
        k.put("pgfault", MemoryStat.Builder::setPgfault);
        k.put("pgmajfault", MemoryStat.Builder::setPgmajfault);
        k.put("workingset_refault", MemoryStat.Builder::setWorkingsetRefault);
        k.put("workingset_activate", MemoryStat.Builder::setWorkingsetActivate);
        k.put("workingset_nodereclaim", MemoryStat.Builder::setWorkingsetNodereclaim);
        k.put("pgrefill", MemoryStat.Builder::setPgrefill);
        k.put("pgscan", MemoryStat.Builder::setPgscan);
        k.put("pgsteal", MemoryStat.Builder::setPgsteal);
        k.put("pgactivate", MemoryStat.Builder::setPgactivate);
        k.put("pgdeactivate", MemoryStat.Builder::setPgdeactivate);
        k.put("pglazyfree", MemoryStat.Builder::setPglazyfree);
        k.put("pglazyfreed", MemoryStat.Builder::setPglazyfreed);
        k.put("thp_fault_alloc", MemoryStat.Builder::setThpFaultAlloc);
        k.put("thp_collapse_alloc", MemoryStat.Builder::setThpCollapseAlloc);
        return Map.copyOf(k);
    }
}
