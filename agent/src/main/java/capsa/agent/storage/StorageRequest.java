package capsa.agent.storage;

import java.util.List;

/** One {@code Storage} of the agent API, as plain data. */
public record StorageRequest(
    String driver,
    List<String> driverOptions,
    String source,
    String fstype,
    List<String> options,
    String mountPoint,
    boolean shared) {
  public StorageRequest {
    driverOptions = List.copyOf(driverOptions);
    options = List.copyOf(options);
  }
}
