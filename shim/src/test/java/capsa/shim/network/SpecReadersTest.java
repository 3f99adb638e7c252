package capsa.shim.network;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.proto.oci.Linux;
import capsa.proto.oci.LinuxNamespace;
import capsa.proto.oci.Mount;
import capsa.proto.oci.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the sandbox takes from the first task's spec: the network namespace path and the DNS lines. */
class SpecReadersTest {

    @TempDir Path dir;

    @Test
    void theNetworkNamespaceIsTheNetworkEntryWithAPath() {
        Spec cni = Spec.newBuilder().setLinux(Linux.newBuilder()
                .addNamespaces(LinuxNamespace.newBuilder().setType("pid"))
                .addNamespaces(LinuxNamespace.newBuilder().setType("network").setPath("/var/run/netns/cni-1")))
                .build();
        assertThat(SpecNamespaces.network(cni)).contains(Path.of("/var/run/netns/cni-1"));
        Spec fresh = Spec.newBuilder().setLinux(Linux.newBuilder()
                .addNamespaces(LinuxNamespace.newBuilder().setType("network"))).build();
        assertThat(SpecNamespaces.network(fresh)).isEmpty();
        assertThat(SpecNamespaces.network(Spec.getDefaultInstance())).isEmpty();
    }

    @Test
    void dnsLinesComeFromTheFileMountedAtEtcResolvConf() throws IOException {
        Path resolv = Files.writeString(dir.resolve("resolv.conf"), "nameserver 10.96.0.10\n\nsearch default.svc\n");
        Spec spec = Spec.newBuilder()
                .addMounts(Mount.newBuilder().setDestination("/etc/hosts").setSource("/nope"))
                .addMounts(Mount.newBuilder().setDestination("/etc/resolv.conf").setSource(resolv.toString()))
                .build();
        assertThat(SpecResolvConf.dnsLines(spec)).containsExactly("nameserver 10.96.0.10", "search default.svc");
        assertThat(SpecResolvConf.dnsLines(Spec.getDefaultInstance())).isEmpty();
    }
}
