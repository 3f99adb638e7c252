package capsa.hypervisor.clh.api;

/** vCPUs at boot and the ceiling {@code vm.resize} may raise them to. */
public record CpusConfig(int bootVcpus, int maxVcpus, CpuTopology topology) {

  public CpusConfig {
    if (bootVcpus < 1 || maxVcpus < bootVcpus) {
      throw new IllegalArgumentException(
          "vCPUs must satisfy 1 <= boot <= max, got boot " + bootVcpus + ", max " + maxVcpus);
    }
  }

  /** The topology Kata sends: one thread per core, all cores in one die of one package. */
  public static CpusConfig flat(int bootVcpus, int maxVcpus) {
    return new CpusConfig(bootVcpus, maxVcpus, new CpuTopology(1, maxVcpus, 1, 1));
  }

  /** Guest CPU topology; the product must cover {@code max_vcpus}. */
  public record CpuTopology(int threadsPerCore, int coresPerDie, int diesPerPackage, int packages) {}
}
