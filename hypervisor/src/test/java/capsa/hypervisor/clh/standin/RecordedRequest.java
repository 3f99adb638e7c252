package capsa.hypervisor.clh.standin;

/** One request the stand-in received, for assertions: method, path and the raw body text ("" when none). */
public record RecordedRequest(String method, String path, String body) {

  /** The endpoint name, e.g. {@code vm.create}. */
  public String endpoint() {
    int slash = path.lastIndexOf('/');
    return path.substring(slash + 1);
  }
}
