package capsa.config;

import java.util.Optional;

/** The tables of {@code configuration.toml}, named the way a Kata user knows them. */
public enum Section {
    HYPERVISOR_QEMU("hypervisor.qemu"),
    HYPERVISOR_CLH("hypervisor.clh"),
    AGENT("agent"),
    RUNTIME("runtime");

    private final String table;

    Section(String table) {
        this.table = table;
    }

    /** The TOML table name, e.g. {@code hypervisor.qemu}. */
    public String table() {
        return table;
    }

    public boolean isHypervisor() {
        return this == HYPERVISOR_QEMU || this == HYPERVISOR_CLH;
    }

    /**
     * The section word in annotation names ({@code io.capsa.config.<word>.<key>}): both hypervisor tables are
     * {@code hypervisor}, because a pod overrides whichever hypervisor the runtime uses.
     */
    public String annotationWord() {
        return isHypervisor() ? "hypervisor" : table;
    }

    public static Optional<Section> ofTable(String table) {
        for (Section s : values()) {
            if (s.table.equals(table)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The hypervisor table of {@code kind}. */
    public static Section of(HypervisorKind kind) {
        return kind == HypervisorKind.QEMU ? HYPERVISOR_QEMU : HYPERVISOR_CLH;
    }
}
