package capsa.shim.spec;

import capsa.proto.oci.Linux;
import capsa.proto.oci.LinuxNamespace;
import capsa.proto.oci.LinuxResources;
import capsa.proto.oci.Mount;
import capsa.proto.oci.Process;
import capsa.proto.oci.Spec;
import java.util.Optional;
import java.util.Set;

/**
 * The host-side rewrites that turn containerd's spec into one for the guest (Kata's, reference §1.5):
 *
 * <ul>
 *   <li>{@code root.path} → {@code /run/kata-containers/shared/containers/<cid>/rootfs} (the 9p share);
 *   <li>hooks dropped (they name host binaries);
 *   <li>namespaces: {@code network}, {@code cgroup} and {@code time} dropped (the VM is the boundary), every other
 *       path cleared (host paths mean nothing in the guest); a {@code pid} namespace with a path (a pod member
 *       joining the pause container's) is dropped and {@code sandbox_pidns} set instead;
 *   <li>resources: devices, pids, block IO and network dropped, {@code cpu.cpus}/{@code cpu.mems} cleared (host CPU
 *       and NUMA numbers do not exist in the VM);
 *   <li>bind mounts: a {@code /dev/shm} bind becomes the sandbox shm; other binds are shared into the VM by the
 *       given {@link BindSharer} and their source rewritten to the guest path;
 *   <li>AppArmor and SELinux labels cleared (the guest runs neither).
 * </ul>
 */
public final class GuestSpecRewriter {

    private static final Set<String> DROPPED_NAMESPACES = Set.of("network", "cgroup", "time");

    /** Shares one host bind-mount source into the VM; answers the guest path, or empty to drop the mount. */
    @FunctionalInterface
    public interface BindSharer {
        Optional<String> share(Mount mount);
    }

    public GuestSpec rewrite(String containerId, Spec spec, BindSharer binds) {
        Spec.Builder b = spec.toBuilder();
        b.setRoot(spec.getRoot().toBuilder().setPath(GuestPaths.rootfs(containerId)));
        b.clearHooks();
        if (spec.hasProcess()) {
            b.setProcess(process(spec.getProcess()));
        }
        b.clearMounts();
        for (Mount m : spec.getMountsList()) {
            mount(m, binds).ifPresent(b::addMounts);
        }
        boolean sandboxPidns = false;
        if (spec.hasLinux()) {
            Linux linux = spec.getLinux();
            Linux.Builder lb = linux.toBuilder().clearNamespaces().clearSeccomp().setMountLabel("");
            for (LinuxNamespace ns : linux.getNamespacesList()) {
                if (DROPPED_NAMESPACES.contains(ns.getType())) {
                    continue;
                }
                if (ns.getType().equals("pid") && !ns.getPath().isEmpty()) {
                    sandboxPidns = true;
                    continue;
                }
                lb.addNamespaces(ns.toBuilder().setPath(""));
            }
            if (linux.hasResources()) {
                lb.setResources(resources(linux.getResources()));
            }
            b.setLinux(lb);
        }
        return new GuestSpec(b.build(), sandboxPidns);
    }

    /** Also for exec processes. */
    public Process process(Process p) {
        return p.toBuilder().setApparmorProfile("").setSelinuxLabel("").build();
    }

    /** Also for Update. */
    public LinuxResources resources(LinuxResources r) {
        LinuxResources.Builder rb = r.toBuilder().clearDevices().clearPids().clearBlockIO().clearNetwork();
        if (r.hasCPU()) {
            rb.setCPU(r.getCPU().toBuilder().setCpus("").setMems(""));
        }
        return rb.build();
    }

    private static Optional<Mount> mount(Mount m, BindSharer binds) {
        if (!isBind(m)) {
            return Optional.of(m);
        }
        if (m.getDestination().equals("/dev/shm")) {
            return Optional.of(m.toBuilder().setSource(GuestPaths.SANDBOX_SHM).setType("bind")
                    .clearOptions().addOptions("rbind").build());
        }
        return binds.share(m).map(guest -> m.toBuilder().setSource(guest).build());
    }

    static boolean isBind(Mount m) {
        return m.getType().equals("bind") || m.getOptionsList().contains("bind")
                || m.getOptionsList().contains("rbind");
    }
}
