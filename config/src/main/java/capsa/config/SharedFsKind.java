package capsa.config;

/** How the container root filesystems reach the guest ({@code shared_fs}). */
public enum SharedFsKind implements TomlEnum {
    VIRTIO_9P("virtio-9p"),
    VIRTIO_FS("virtio-fs");

    private final String tomlName;

    SharedFsKind(String tomlName) {
        this.tomlName = tomlName;
    }

    @Override
    public String tomlName() {
        return tomlName;
    }
}
