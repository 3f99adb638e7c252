package capsa.shim.network;

import capsa.proto.oci.Mount;
import capsa.proto.oci.Spec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The pod's DNS as Kata passes it in CreateSandbox: the lines of the host file bind-mounted at
 * {@code /etc/resolv.conf} (CRI mounts the sandbox's resolv.conf there).
 */
public final class SpecResolvConf {

    static final String DESTINATION = "/etc/resolv.conf";

    private SpecResolvConf() {}

    /** Empty when the spec mounts no resolv.conf or the file cannot be read (the guest keeps its own then). */
    public static List<String> dnsLines(Spec spec) {
        for (Mount m : spec.getMountsList()) {
            if (DESTINATION.equals(m.getDestination()) && !m.getSource().isEmpty()) {
                try {
                    return Files.readAllLines(Path.of(m.getSource()), StandardCharsets.UTF_8).stream()
                            .filter(l -> !l.isBlank()).toList();
                } catch (IOException e) {
                    return List.of();
                }
            }
        }
        return List.of();
    }
}
