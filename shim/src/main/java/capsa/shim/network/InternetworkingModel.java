package capsa.shim.network;

import java.util.Locale;

/** How the pod's CNI interfaces are joined to the VM's NICs (configuration key {@code internetworking_model}). */
public enum InternetworkingModel {
    /** A tap per interface, traffic mirrored both ways by tc ingress filters (Kata's default). */
    TCFILTER,
    /** No NICs: the VM has no pod network (the namespace is left as CNI made it). */
    NONE;

    /** {@code "tcfilter"} or {@code "none"}, case-insensitive. */
    public static InternetworkingModel parse(String s) {
        for (InternetworkingModel m : values()) {
            if (m.configName().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("internetworking_model must be \"tcfilter\" or \"none\", got \"" + s + "\"");
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
