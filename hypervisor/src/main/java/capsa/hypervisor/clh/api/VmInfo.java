package capsa.hypervisor.clh.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The reply of {@code vm.info}. The config echo is kept as a JSON tree: the VMM fills in many defaults Capsa does not
 * model, and nothing here depends on them.
 */
public record VmInfo(JsonNode config, ChVmState state, Long memoryActualSize, JsonNode deviceTree) {}
