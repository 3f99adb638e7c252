package capsa.agent.device;

import java.util.List;

/** One {@code Device} of CreateContainer as plain data (agent.proto fields 1-5). */
public record DeviceRequest(String id, String type, String vmPath, String containerPath, List<String> options) {
  public DeviceRequest {
    options = List.copyOf(options);
  }
}
