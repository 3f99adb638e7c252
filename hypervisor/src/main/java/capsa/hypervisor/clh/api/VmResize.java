package capsa.hypervisor.clh.api;

/** The body of {@code vm.resize}; null components are left unchanged. {@code desiredRam} is in bytes. */
public record VmResize(Integer desiredVcpus, Long desiredRam, Long desiredBalloon) {

  public static VmResize vcpus(int count) {
    return new VmResize(count, null, null);
  }

  public static VmResize ram(long bytes) {
    return new VmResize(null, bytes, null);
  }
}
