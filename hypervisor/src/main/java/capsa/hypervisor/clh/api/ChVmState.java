package capsa.hypervisor.clh.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The VM states {@code vm.info} reports, spelled as Cloud Hypervisor spells them. */
public enum ChVmState {
  @JsonProperty("Created") CREATED,
  @JsonProperty("Running") RUNNING,
  @JsonProperty("Shutdown") SHUTDOWN,
  @JsonProperty("Paused") PAUSED,
  @JsonProperty("BreakPoint") BREAK_POINT
}
