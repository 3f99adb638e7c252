package capsa.shim.spec;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.proto.oci.Mount;
import capsa.proto.oci.Spec;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Kata rewrites (reference §1.5) on a CRI-shaped spec. */
class GuestSpecRewriterTest {

    private static final String CRI_SPEC = """
            {"ociVersion":"1.1.0",
             "process":{"args":["sh"],"cwd":"/","user":{"uid":0,"gid":0},"apparmorProfile":"cri-containerd.apparmor.d",
                        "rlimits":[{"type":"RLIMIT_NOFILE","hard":18446744073709551615,"soft":1024}]},
             "root":{"path":"/run/containerd/io.containerd.runtime.v2.task/k8s.io/c2/rootfs","readonly":true},
             "hooks":{"prestart":[{"path":"/usr/bin/nvidia-hook"}]},
             "mounts":[{"destination":"/proc","type":"proc","source":"proc"},
                       {"destination":"/dev/shm","type":"bind","source":"/run/containerd/sandboxes/p/shm",
                        "options":["rbind","ro"]},
                       {"destination":"/etc/hosts","type":"bind","source":"/var/lib/pod/hosts","options":["rbind","rw"]}],
             "linux":{"namespaces":[{"type":"pid","path":"/proc/77/ns/pid"},{"type":"ipc","path":"/proc/77/ns/ipc"},
                                    {"type":"uts","path":"/proc/77/ns/uts"},{"type":"mount"},
                                    {"type":"network","path":"/var/run/netns/cni-1"},{"type":"cgroup"}],
                      "resources":{"devices":[{"allow":false,"access":"rwm"}],"memory":{"limit":67108864},
                                   "cpu":{"shares":512,"cpus":"0-3","mems":"0"},"pids":{"limit":100}},
                      "cgroupsPath":"/kubepods/pod1/c2","mountLabel":"system_u:object_r:container_file_t",
                      "seccomp":{"defaultAction":"SCMP_ACT_ERRNO"}}}
            """;

    private final OciSpecReader reader = new OciSpecReader(new ObjectMapper());
    private final GuestSpecRewriter rewriter = new GuestSpecRewriter();

    @Test
    void rewritesACriContainerForTheGuest() {
        Spec host = reader.spec(CRI_SPEC);
        List<String> shared = new ArrayList<>();
        GuestSpec guest = rewriter.rewrite("c2", host, m -> {
            shared.add(m.getSource());
            return Optional.of(GuestPaths.shared("c2-0123456789abcdef-hosts"));
        });
        Spec s = guest.spec();

        assertThat(s.getRoot().getPath()).isEqualTo("/run/kata-containers/shared/containers/c2/rootfs");
        assertThat(s.getRoot().getReadonly()).isTrue();
        assertThat(s.hasHooks()).isFalse();
        assertThat(guest.sandboxPidns()).isTrue();
        assertThat(s.getLinux().getNamespacesList()).extracting(n -> n.getType() + ":" + n.getPath())
                .containsExactly("ipc:", "uts:", "mount:");
        assertThat(s.getLinux().getResources().getDevicesCount()).isZero();
        assertThat(s.getLinux().getResources().hasPids()).isFalse();
        assertThat(s.getLinux().getResources().getMemory().getLimit()).isEqualTo(67108864);
        assertThat(s.getLinux().getResources().getCPU().getShares()).isEqualTo(512);
        assertThat(s.getLinux().getResources().getCPU().getCpus()).isEmpty();
        assertThat(s.getLinux().getResources().getCPU().getMems()).isEmpty();
        assertThat(s.getLinux().hasSeccomp()).isFalse();
        assertThat(s.getLinux().getMountLabel()).isEmpty();
        assertThat(s.getLinux().getCgroupsPath()).isEqualTo("/kubepods/pod1/c2");
        assertThat(s.getProcess().getApparmorProfile()).isEmpty();
        // RLIM_INFINITY keeps its 64 bits.
        assertThat(Long.toUnsignedString(s.getProcess().getRlimits(0).getHard())).isEqualTo("18446744073709551615");

        assertThat(s.getMountsList()).extracting(Mount::getDestination, Mount::getSource)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("/proc", "proc"),
                        org.assertj.core.groups.Tuple.tuple("/dev/shm", "/run/kata-containers/sandbox/shm"),
                        org.assertj.core.groups.Tuple.tuple("/etc/hosts",
                                "/run/kata-containers/shared/containers/c2-0123456789abcdef-hosts"));
        assertThat(shared).containsExactly("/var/lib/pod/hosts");
    }

    @Test
    void aPlainCtrContainerKeepsItsOwnPidNamespace() {
        Spec host = reader.spec("""
                {"ociVersion":"1.0.2","process":{"args":["uname","-r"],"cwd":"/"},"root":{"path":"rootfs"},
                 "mounts":[{"destination":"/dev/shm","type":"tmpfs","source":"shm","options":["nosuid"]}],
                 "linux":{"namespaces":[{"type":"pid"},{"type":"ipc"},{"type":"uts"},{"type":"mount"},
                                        {"type":"network"}]}}
                """);
        GuestSpec guest = rewriter.rewrite("c1", host, m -> {
            throw new AssertionError("no bind mounts here");
        });
        assertThat(guest.sandboxPidns()).isFalse();
        assertThat(guest.spec().getLinux().getNamespacesList()).extracting(n -> n.getType())
                .containsExactly("pid", "ipc", "uts", "mount");
        assertThat(guest.spec().getMounts(0).getType()).isEqualTo("tmpfs");
        assertThat(guest.spec().getProcess().getArgsList()).containsExactly("uname", "-r");
    }

    @Test
    void badJsonIsAnInvalidSpec() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> reader.spec("[1]"))
                .isInstanceOf(InvalidSpecException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> reader.process("{"))
                .isInstanceOf(InvalidSpecException.class);
    }
}
