package capsa.hypervisor.clh.api;

/**
 * A virtio-net device. Capsa names an existing tap device ({@code tap}); passing tap file descriptors with
 * SCM_RIGHTS, as Kata does, is not implemented.
 */
public record NetConfig(String tap, String mac, Integer mtu, Boolean iommu, Integer numQueues, Integer queueSize, String id) {}
