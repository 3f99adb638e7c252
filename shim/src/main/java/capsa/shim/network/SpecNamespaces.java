package capsa.shim.network;

import capsa.proto.oci.LinuxNamespace;
import capsa.proto.oci.Spec;
import java.nio.file.Path;
import java.util.Optional;

/** The network namespace an OCI spec joins ({@code linux.namespaces[type=network].path}), if it names one. */
public final class SpecNamespaces {

    private SpecNamespaces() {}

    /** Empty for a spec without a network namespace entry, or one that asks for a new (empty) namespace. */
    public static Optional<Path> network(Spec spec) {
        for (LinuxNamespace ns : spec.getLinux().getNamespacesList()) {
            if ("network".equals(ns.getType()) && !ns.getPath().isEmpty()) {
                return Optional.of(Path.of(ns.getPath()));
            }
        }
        return Optional.empty();
    }
}
