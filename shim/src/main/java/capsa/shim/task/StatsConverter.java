package capsa.shim.task;

import capsa.proto.agent.CgroupStats;
import capsa.proto.agent.MemoryData;
import capsa.proto.io.containerd.cgroups.v1.CPUStat;
import capsa.proto.io.containerd.cgroups.v1.CPUUsage;
import capsa.proto.io.containerd.cgroups.v1.MemoryEntry;
import capsa.proto.io.containerd.cgroups.v1.MemoryStat;
import capsa.proto.io.containerd.cgroups.v1.Metrics;
import capsa.proto.io.containerd.cgroups.v1.PidsStat;
import capsa.proto.io.containerd.cgroups.v1.Throttle;
import capsa.proto.util.AnyCodec;
import com.google.protobuf.Any;
import java.util.Map;

/**
 * The agent's cgroup stats → {@code io.containerd.cgroups.v1.Metrics} (the host here is cgroup v1, and CRI decodes
 * the Any by the host's version), packed with the bare type URL containerd expects.
 */
final class StatsConverter {

    private StatsConverter() {}

    static Any toAny(CgroupStats s) {
        return AnyCodec.pack(toMetrics(s));
    }

    /** The Metrics CRI decodes on a host with {@code cgroups}. */
    static Any toAny(CgroupStats s, HostCgroups cgroups) {
        return cgroups == HostCgroups.V2 ? AnyCodec.pack(StatsV2Converter.toMetrics(s)) : toAny(s);
    }

    static Metrics toMetrics(CgroupStats s) {
        Metrics.Builder m = Metrics.newBuilder();
        if (s.hasCpuStats()) {
            var cpu = s.getCpuStats();
            m.setCpu(CPUStat.newBuilder()
                    .setUsage(CPUUsage.newBuilder()
                            .setTotal(cpu.getCpuUsage().getTotalUsage())
                            .setKernel(cpu.getCpuUsage().getUsageInKernelmode())
                            .setUser(cpu.getCpuUsage().getUsageInUsermode())
                            .addAllPerCpu(cpu.getCpuUsage().getPercpuUsageList()))
                    .setThrottling(Throttle.newBuilder()
                            .setPeriods(cpu.getThrottlingData().getPeriods())
                            .setThrottledPeriods(cpu.getThrottlingData().getThrottledPeriods())
                            .setThrottledTime(cpu.getThrottlingData().getThrottledTime())));
        }
        if (s.hasMemoryStats()) {
            var mem = s.getMemoryStats();
            Map<String, Long> raw = mem.getStatsMap();
            m.setMemory(MemoryStat.newBuilder()
                    .setCache(mem.getCache())
                    .setUsage(entry(mem.getUsage()))
                    .setSwap(entry(mem.getSwapUsage()))
                    .setKernel(entry(mem.getKernelUsage()))
                    .setRss(raw.getOrDefault("rss", raw.getOrDefault("anon", 0L)))
                    .setInactiveFile(raw.getOrDefault("inactive_file", 0L))
                    .setActiveFile(raw.getOrDefault("active_file", 0L))
                    .setTotalInactiveFile(raw.getOrDefault("total_inactive_file",
                            raw.getOrDefault("inactive_file", 0L)))
                    .setTotalActiveFile(raw.getOrDefault("total_active_file", raw.getOrDefault("active_file", 0L)))
                    .setTotalRss(raw.getOrDefault("total_rss", raw.getOrDefault("anon", 0L)))
                    .setTotalCache(raw.getOrDefault("total_cache", mem.getCache())));
        }
        if (s.hasPidsStats()) {
            m.setPids(PidsStat.newBuilder().setCurrent(s.getPidsStats().getCurrent())
                    .setLimit(s.getPidsStats().getLimit()));
        }
        return m.build();
    }

    private static MemoryEntry entry(MemoryData d) {
        return MemoryEntry.newBuilder().setUsage(d.getUsage()).setMax(d.getMaxUsage()).setFailcnt(d.getFailcnt())
                .setLimit(d.getLimit()).build();
    }
}
