/**
 * Storages of the agent API, one {@link capsa.agent.storage.StorageHandler} per driver string ({@code 9p},
 * {@code virtio-fs}, {@code ephemeral}, {@code local}, {@code blk}), mounting through a {@link
 * capsa.agent.storage.Mounter} (mount(2) via JNA in the guest, a recording fake in host tests).
 *
 * <p>Threading: blocking (mounts, sysfs polling); call from the blocking executor.
 */
package capsa.agent.storage;
