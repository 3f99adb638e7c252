package capsa.config;

/** The VM's machine model ({@code machine_type}), named as QEMU names it. */
public enum MachineKind implements TomlEnum {
    MICROVM("microvm"),
    Q35("q35");

    private final String tomlName;

    MachineKind(String tomlName) {
        this.tomlName = tomlName;
    }

    @Override
    public String tomlName() {
        return tomlName;
    }
}
