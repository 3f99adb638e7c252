package capsa.agent.cgroup;

import capsa.proto.agent.BlkioStats;
import capsa.proto.agent.BlkioStatsEntry;
import capsa.proto.agent.CgroupStats;
import capsa.proto.agent.CpuStats;
import capsa.proto.agent.CpuUsage;
import capsa.proto.agent.MemoryData;
import capsa.proto.agent.MemoryStats;
import capsa.proto.agent.PidsStats;
import capsa.proto.agent.ThrottlingData;
import java.io.IOException;
import java.util.Map;

/**
 * cgroup v2 files → the agent API's {@code CgroupStats} (whose shape is cgroup v1's): {@code cpu.stat} usec →
 * nanoseconds; {@code memory.current}/{@code .max}/{@code .stat}/{@code .events}; {@code pids.*}; {@code io.stat}
 * {@code rbytes/wbytes/rios/wios} → service bytes / serviced entries with op Read/Write.
 */
public final class CgroupStatsReader {

  public CgroupStats read(CgroupV2 cg) throws IOException {
    return CgroupStats.newBuilder()
        .setCpuStats(cpu(cg))
        .setMemoryStats(memory(cg))
        .setPidsStats(
            PidsStats.newBuilder()
                .setCurrent(cg.readLong("pids.current").orElse(0))
                .setLimit(cg.readLong("pids.max").orElse(0)))
        .setBlkioStats(io(cg))
        .build();
  }

  private CpuStats cpu(CgroupV2 cg) throws IOException {
    Map<String, Long> stat = cg.readKeyed("cpu.stat");
    return CpuStats.newBuilder()
        .setCpuUsage(
            CpuUsage.newBuilder()
                .setTotalUsage(stat.getOrDefault("usage_usec", 0L) * 1000)
                .setUsageInUsermode(stat.getOrDefault("user_usec", 0L) * 1000)
                .setUsageInKernelmode(stat.getOrDefault("system_usec", 0L) * 1000))
        .setThrottlingData(
            ThrottlingData.newBuilder()
                .setPeriods(stat.getOrDefault("nr_periods", 0L))
                .setThrottledPeriods(stat.getOrDefault("nr_throttled", 0L))
                .setThrottledTime(stat.getOrDefault("throttled_usec", 0L) * 1000))
        .build();
  }

  private MemoryStats memory(CgroupV2 cg) throws IOException {
    Map<String, Long> stat = cg.readKeyed("memory.stat");
    Map<String, Long> events = cg.readKeyed("memory.events");
    MemoryData usage =
        MemoryData.newBuilder()
            .setUsage(cg.readLong("memory.current").orElse(0))
            .setMaxUsage(cg.readLong("memory.peak").orElse(0))
            .setFailcnt(events.getOrDefault("max", 0L))
            .setLimit(cg.readLong("memory.max").orElse(0))
            .build();
    MemoryData swap =
        MemoryData.newBuilder()
            .setUsage(cg.readLong("memory.swap.current").orElse(0))
            .setLimit(cg.readLong("memory.swap.max").orElse(0))
            .build();
    return MemoryStats.newBuilder()
        .setCache(stat.getOrDefault("file", 0L))
        .setUsage(usage)
        .setSwapUsage(swap)
        .setKernelUsage(MemoryData.newBuilder().setUsage(stat.getOrDefault("kernel", 0L)))
        .setUseHierarchy(true)
        .putAllStats(stat)
        .build();
  }

  private BlkioStats io(CgroupV2 cg) throws IOException {
    BlkioStats.Builder b = BlkioStats.newBuilder();
    for (String line : cg.readLines("io.stat")) {
      String[] parts = line.strip().split("\\s+");
      if (parts.length < 2 || !parts[0].contains(":")) {
        continue;
      }
      String[] mm = parts[0].split(":");
      long major = Long.parseLong(mm[0]);
      long minor = Long.parseLong(mm[1]);
      for (int i = 1; i < parts.length; i++) {
        String[] kv = parts[i].split("=");
        if (kv.length != 2) {
          continue;
        }
        long v = Long.parseLong(kv[1]);
        BlkioStatsEntry.Builder e = BlkioStatsEntry.newBuilder().setMajor(major).setMinor(minor).setValue(v);
        switch (kv[0]) {
          case "rbytes" -> b.addIoServiceBytesRecursive(e.setOp("Read"));
          case "wbytes" -> b.addIoServiceBytesRecursive(e.setOp("Write"));
          case "rios" -> b.addIoServicedRecursive(e.setOp("Read"));
          case "wios" -> b.addIoServicedRecursive(e.setOp("Write"));
          default -> {}
        }
      }
    }
    return b.build();
  }
}
