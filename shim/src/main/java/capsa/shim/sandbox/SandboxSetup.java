package capsa.shim.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a new sandbox takes from the first task's spec.
 *
 * @param hostname the guest's hostname
 * @param pidns the pod shares one pid namespace among its containers
 * @param netns the pod network namespace whose interfaces become the VM's NICs; empty for none
 * @param dns the lines of the pod's resolv.conf (CreateSandbox {@code dns}); empty keeps the guest's
 */
public record SandboxSetup(String hostname, boolean pidns, Optional<Path> netns, List<String> dns) {

    public SandboxSetup {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(netns, "netns");
        dns = List.copyOf(dns);
    }
}
