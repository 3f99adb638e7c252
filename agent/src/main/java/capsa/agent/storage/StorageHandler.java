package capsa.agent.storage;

import java.io.IOException;

/** Sets up one kind of storage (one Kata {@code Storage.driver} string). */
public interface StorageHandler {

  String driver();

  MountedStorage mount(StorageRequest request) throws IOException;
}
