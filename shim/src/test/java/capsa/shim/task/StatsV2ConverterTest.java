package capsa.shim.task;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.proto.agent.BlkioStats;
import capsa.proto.agent.BlkioStatsEntry;
import capsa.proto.agent.CgroupStats;
import capsa.proto.agent.CpuStats;
import capsa.proto.agent.CpuUsage;
import capsa.proto.agent.MemoryData;
import capsa.proto.agent.MemoryStats;
import capsa.proto.agent.PidsStats;
import capsa.proto.agent.ThrottlingData;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The agent's v1-shaped stats of a cgroup v2 guest → v2 Metrics, as CRI reads them on a unified host. */
class StatsV2ConverterTest {

    private static final CgroupStats GUEST = CgroupStats.newBuilder()
            .setCpuStats(CpuStats.newBuilder()
                    .setCpuUsage(CpuUsage.newBuilder().setTotalUsage(5_000_000).setUsageInUsermode(3_000_000)
                            .setUsageInKernelmode(2_000_000))
                    .setThrottlingData(ThrottlingData.newBuilder().setPeriods(10).setThrottledPeriods(2)
                            .setThrottledTime(7_000)))
            .setMemoryStats(MemoryStats.newBuilder()
                    .setCache(8192)
                    .setUsage(MemoryData.newBuilder().setUsage(1_048_576).setLimit(33_554_432).setMaxUsage(2_000_000)
                            .setFailcnt(4))
                    .setSwapUsage(MemoryData.newBuilder().setUsage(0).setLimit(0))
                    .putAllStats(Map.of("anon", 900_000L, "file", 8192L, "inactive_file", 4096L,
                            "active_file", 4096L, "pgfault", 321L, "pgmajfault", 1L, "kernel_stack", 16384L)))
            .setPidsStats(PidsStats.newBuilder().setCurrent(3).setLimit(100))
            .setBlkioStats(BlkioStats.newBuilder()
                    .addIoServiceBytesRecursive(entry("Read", 100))
                    .addIoServiceBytesRecursive(entry("Write", 200))
                    .addIoServicedRecursive(entry("Read", 1))
                    .addIoServicedRecursive(entry("Write", 2)))
            .build();

    private static BlkioStatsEntry entry(String op, long value) {
        return BlkioStatsEntry.newBuilder().setMajor(254).setMinor(0).setOp(op).setValue(value).build();
    }

    @Test
    void cpuIsInMicroseconds() {
        var cpu = StatsV2Converter.toMetrics(GUEST).getCpu();

        assertThat(cpu.getUsageUsec()).isEqualTo(5_000);
        assertThat(cpu.getUserUsec()).isEqualTo(3_000);
        assertThat(cpu.getSystemUsec()).isEqualTo(2_000);
        assertThat(cpu.getNrPeriods()).isEqualTo(10);
        assertThat(cpu.getNrThrottled()).isEqualTo(2);
        assertThat(cpu.getThrottledUsec()).isEqualTo(7);
    }

    @Test
    void memoryHasWhatCriComputesTheWorkingSetFrom() {
        var metrics = StatsV2Converter.toMetrics(GUEST);
        var mem = metrics.getMemory();

        // CRI: working set = usage - inactive_file; available = usage_limit - working set; rss = anon.
        assertThat(mem.getUsage()).isEqualTo(1_048_576);
        assertThat(mem.getInactiveFile()).isEqualTo(4096);
        assertThat(mem.getUsageLimit()).isEqualTo(33_554_432);
        assertThat(mem.getAnon()).isEqualTo(900_000);
        assertThat(mem.getFile()).isEqualTo(8192);
        assertThat(mem.getActiveFile()).isEqualTo(4096);
        assertThat(mem.getPgfault()).isEqualTo(321);
        assertThat(mem.getPgmajfault()).isEqualTo(1);
        assertThat(mem.getKernelStack()).isEqualTo(16384);
        assertThat(mem.getMaxUsage()).isEqualTo(2_000_000);
        assertThat(metrics.getMemoryEvents().getMax()).isEqualTo(4);
    }

    @Test
    void pidsAndIoPerDevice() {
        var metrics = StatsV2Converter.toMetrics(GUEST);

        assertThat(metrics.getPids().getCurrent()).isEqualTo(3);
        assertThat(metrics.getPids().getLimit()).isEqualTo(100);
        assertThat(metrics.getIo().getUsageList()).singleElement().satisfies(d -> {
            assertThat(d.getMajor()).isEqualTo(254);
            assertThat(d.getRbytes()).isEqualTo(100);
            assertThat(d.getWbytes()).isEqualTo(200);
            assertThat(d.getRios()).isEqualTo(1);
            assertThat(d.getWios()).isEqualTo(2);
        });
    }

    @Test
    void aV1GuestsRssAndCacheStandInForAnonAndFile() {
        var v1Guest = GUEST.toBuilder().setMemoryStats(MemoryStats.newBuilder()
                .putAllStats(Map.of("rss", 111L, "cache", 222L))).build();

        var mem = StatsV2Converter.toMetrics(v1Guest).getMemory();

        assertThat(mem.getAnon()).isEqualTo(111);
        assertThat(mem.getFile()).isEqualTo(222);
    }
}
