package capsa.agent.sandbox;

import capsa.agent.storage.StorageRequest;
import java.util.List;

/** CreateSandbox as plain data. */
public record SandboxRequest(
    String sandboxId, String hostname, List<String> dnsLines, List<StorageRequest> storages, boolean sandboxPidNs) {
  public SandboxRequest {
    dnsLines = List.copyOf(dnsLines);
    storages = List.copyOf(storages);
  }
}
