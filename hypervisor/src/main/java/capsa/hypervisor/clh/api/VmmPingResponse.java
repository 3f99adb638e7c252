package capsa.hypervisor.clh.api;

import java.util.List;

/** The reply of {@code vmm.ping}. */
public record VmmPingResponse(String buildVersion, String version, Long pid, List<String> features) {}
