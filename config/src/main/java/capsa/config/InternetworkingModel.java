package capsa.config;

/** How the pod network namespace is connected to the VM's NIC ({@code internetworking_model}). */
public enum InternetworkingModel implements TomlEnum {
    TCFILTER("tcfilter"),
    NONE("none");

    private final String tomlName;

    InternetworkingModel(String tomlName) {
        this.tomlName = tomlName;
    }

    @Override
    public String tomlName() {
        return tomlName;
    }
}
