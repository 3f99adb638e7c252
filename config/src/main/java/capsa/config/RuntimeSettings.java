package capsa.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The typed view of {@code [runtime]}.
 *
 * @param hypervisor which hypervisor table is active
 * @param debug shim debug logging
 * @param internetworkingModel how the pod network reaches the VM
 * @param vfioMode how the guest treats passed-through devices
 * @param createContainerTimeout per agent request
 * @param staticSandboxResourceMgmt size the VM from the CRI sandbox annotations
 * @param runRoot per-sandbox state directories
 */
public record RuntimeSettings(
        HypervisorKind hypervisor,
        boolean debug,
        InternetworkingModel internetworkingModel,
        VfioMode vfioMode,
        Duration createContainerTimeout,
        boolean staticSandboxResourceMgmt,
        Path runRoot) {}
