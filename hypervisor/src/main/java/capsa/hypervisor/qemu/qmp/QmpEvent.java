package capsa.hypervisor.qemu.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * An asynchronous QMP event.
 *
 * @param name e.g. {@code DEVICE_DELETED}, {@code SHUTDOWN}
 * @param data the {@code data} member (a missing node when absent)
 * @param timestamp QEMU's {@code timestamp} (seconds + microseconds)
 */
public record QmpEvent(String name, JsonNode data, Instant timestamp) {}
