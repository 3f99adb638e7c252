package capsa.agent.container;

import capsa.agent.storage.StorageRequest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** CreateContainer as plain data: the spec already in runtime-spec JSON form (not yet rewritten for the guest). */
public record CreateRequest(String containerId, ObjectNode spec, List<StorageRequest> storages) {}
