package capsa.shim.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostCgroupsTest {

    @Test
    void aHybridHostIsV1() {
        assertThat(HostCgroups.fromMountInfo(List.of(
                "25 19 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755",
                "26 25 0:23 / /sys/fs/cgroup/unified rw,nosuid shared:10 - cgroup2 cgroup2 rw,nsdelegate",
                "28 25 0:25 / /sys/fs/cgroup/memory rw,nosuid shared:12 - cgroup cgroup rw,memory")))
                .isEqualTo(HostCgroups.V1);
    }

    @Test
    void aUnifiedHostIsV2() {
        assertThat(HostCgroups.fromMountInfo(List.of(
                "1 0 8:1 / / rw - ext4 /dev/sda1 rw",
                "30 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec shared:4 - cgroup2 cgroup2 rw,nsdelegate")))
                .isEqualTo(HostCgroups.V2);
    }

    @Test
    void noCgroupMountIsV1() {
        assertThat(HostCgroups.fromMountInfo(List.of("1 0 8:1 / / rw - ext4 /dev/sda1 rw")))
                .isEqualTo(HostCgroups.V1);
    }
}
