package capsa.admin;

import capsa.config.AgentChannel;
import capsa.config.ConfigException;
import capsa.config.EffectiveConfig;
import capsa.config.HypervisorSettings;
import capsa.config.SharedFsKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The node checks of {@code capsa check}. What only slows pods down or limits features (no KVM: TCG; no
 * vhost-vsock: virtio-serial; no IOMMU: no passthrough) is a warning with the reason; what the configuration needs
 * and the host lacks, or what no pod can run without (QEMU, containerd, the guest image, a valid configuration), is a
 * failure.
 */
final class HostChecks {

    private final CliContext ctx;

    HostChecks(CliContext ctx) {
        this.ctx = ctx;
    }

    List<CheckResult> run(Optional<Path> configFile) {
        List<CheckResult> out = new ArrayList<>();
        EffectiveConfig config;
        try {
            config = ctx.loadConfig(configFile);
            out.add(config.warnings().isEmpty()
                    ? CheckResult.pass("configuration", config.origin().describe())
                    : CheckResult.warn("configuration", config.origin().describe() + ": "
                            + String.join("; ", config.warnings())));
        } catch (ConfigException e) {
            out.add(CheckResult.fail("configuration", e.getMessage()));
            config = EffectiveConfig.defaults();
        }
        HypervisorSettings hv = config.hypervisor();
        out.add(qemu(hv));
        out.add(kvm(hv.path()));
        out.add(vhostVsock(config));
        out.add(vhostNet(hv));
        out.add(iommu(hv));
        out.add(cgroups());
        out.add(containerd());
        if (hv.sharedFs() == SharedFsKind.VIRTIO_FS) {
            out.add(Files.isExecutable(hv.virtioFsDaemon())
                    ? CheckResult.pass("virtiofsd", hv.virtioFsDaemon().toString())
                    : CheckResult.fail("virtiofsd", hv.virtioFsDaemon() + " missing, and shared_fs = \"virtio-fs\""));
        }
        out.add(GuestImageCheck.run(config));
        return out;
    }

    private CheckResult qemu(HypervisorSettings hv) {
        return version(List.of(hv.path().toString(), "--version"))
                .map(v -> CheckResult.pass("qemu", hv.path() + ": " + v))
                .orElseGet(() -> CheckResult.fail("qemu", hv.path() + " is missing or does not run (path)"));
    }

    private CheckResult kvm(Path qemu) {
        Path dev = ctx.host("/dev/kvm");
        if (!Files.exists(dev)) {
            return CheckResult.warn("kvm", "no /dev/kvm: VMs run under TCG emulation (works, much slower)");
        }
        if (!ctx.kvmUsable().test(qemu)) {
            return CheckResult.warn("kvm", "/dev/kvm exists but QEMU cannot run KVM vCPUs on it (nested or "
                    + "restricted host): VMs run under TCG emulation (works, much slower)");
        }
        return CheckResult.pass("kvm", "QEMU runs KVM vCPUs");
    }

    private CheckResult vhostVsock(EffectiveConfig config) {
        if (Files.exists(ctx.host("/dev/vhost-vsock"))) {
            return CheckResult.pass("vhost-vsock", "/dev/vhost-vsock");
        }
        if (config.agent().channel() == AgentChannel.VSOCK) {
            return CheckResult.fail("vhost-vsock", "no /dev/vhost-vsock (modprobe vhost_vsock), and [agent] channel"
                    + " = \"vsock\": use \"virtio-serial\"");
        }
        return CheckResult.warn("vhost-vsock", "no /dev/vhost-vsock: the agent channel is virtio-serial "
                + "(as configured; vsock needs modprobe vhost_vsock)");
    }

    private CheckResult vhostNet(HypervisorSettings hv) {
        if (Files.exists(ctx.host("/dev/vhost-net"))) {
            return CheckResult.pass("vhost-net", "/dev/vhost-net");
        }
        return CheckResult.warn("vhost-net", "no /dev/vhost-net: pod NICs use QEMU's userspace virtio-net (slower; "
                + (hv.disableVhostNet() ? "disable_vhost_net is set)" : "modprobe vhost_net)"));
    }

    private CheckResult iommu(HypervisorSettings hv) {
        Path groups = ctx.host("/sys/kernel/iommu_groups");
        long n = 0;
        if (Files.isDirectory(groups)) {
            try (Stream<Path> s = Files.list(groups)) {
                n = s.count();
            } catch (IOException e) {
                n = 0;
            }
        }
        if (n > 0) {
            return CheckResult.pass("iommu", n + " IOMMU groups");
        }
        String why = "no IOMMU groups (intel_iommu=on / amd_iommu=on): no VFIO/GPU passthrough";
        return hv.vfioEnabled() ? CheckResult.fail("iommu", why + ", but cold_plug_vfio/hot_plug_vfio are set")
                : CheckResult.warn("iommu", why);
    }

    private CheckResult cgroups() {
        if (Files.exists(ctx.host("/sys/fs/cgroup/cgroup.controllers"))) {
            return CheckResult.pass("cgroups", "cgroup v2");
        }
        if (Files.isDirectory(ctx.host("/sys/fs/cgroup/memory"))) {
            return CheckResult.pass("cgroups", "cgroup v1");
        }
        return CheckResult.warn("cgroups", "no cgroup hierarchy under /sys/fs/cgroup: the VM process is not limited "
                + "by the pod's cgroup");
    }

    private CheckResult containerd() {
        return version(List.of("containerd", "--version"))
                .map(v -> CheckResult.pass("containerd", v))
                .orElseGet(() -> CheckResult.fail("containerd", "containerd is not on PATH"));
    }

    private Optional<String> version(List<String> command) {
        return ctx.commands().firstLine(command);
    }
}
