package capsa.config;

/** Which VMM runs the sandboxes ({@code [runtime] hypervisor}). */
public enum HypervisorKind implements TomlEnum {
    QEMU("qemu"),
    CLH("clh");

    private final String tomlName;

    HypervisorKind(String tomlName) {
        this.tomlName = tomlName;
    }

    @Override
    public String tomlName() {
        return tomlName;
    }
}
