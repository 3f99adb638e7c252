package capsa.config;

/**
 * Where a VFIO device is attached, for cold plug (at boot) and hot plug ({@code cold_plug_vfio},
 * {@code hot_plug_vfio}).
 */
public enum VfioPort implements TomlEnum {
    NO_PORT("no-port"),
    ROOT_PORT("root-port"),
    BRIDGE_PORT("bridge-port"),
    SWITCH_PORT("switch-port");

    private final String tomlName;

    VfioPort(String tomlName) {
        this.tomlName = tomlName;
    }

    @Override
    public String tomlName() {
        return tomlName;
    }
}
