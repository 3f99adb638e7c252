package capsa.config;

/** The transport between the shim and the agent in the guest ({@code [agent] channel}). */
public enum AgentChannel implements TomlEnum {
    VIRTIO_SERIAL("virtio-serial"),
    VSOCK("vsock");

    private final String tomlName;

    AgentChannel(String tomlName) {
        this.tomlName = tomlName;
    }

    @Override
    public String tomlName() {
        return tomlName;
    }
}
