package capsa.config;

/** How the guest treats passed-through devices ({@code vfio_mode}). */
public enum VfioMode implements TomlEnum {
    GUEST_KERNEL("guest-kernel"),
    VFIO("vfio");

    private final String tomlName;

    VfioMode(String tomlName) {
        this.tomlName = tomlName;
    }

    @Override
    public String tomlName() {
        return tomlName;
    }
}
