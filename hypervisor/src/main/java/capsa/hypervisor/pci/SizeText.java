package capsa.hypervisor.pci;

/** Binary sizes as short text ({@code 256M}, {@code 32G}); exact multiples only, else bytes. */
final class SizeText {

  private SizeText() {}

  static String of(long bytes) {
    String[] units = {"", "K", "M", "G", "T"};
    long v = bytes;
    int u = 0;
    while (u < units.length - 1 && v >= 1024 && v % 1024 == 0) {
      v /= 1024;
      u++;
    }
    return v + units[u];
  }
}
