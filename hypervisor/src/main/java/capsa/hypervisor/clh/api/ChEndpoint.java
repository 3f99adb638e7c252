package capsa.hypervisor.clh.api;

import io.netty.handler.codec.http.HttpMethod;

/** The endpoints Capsa uses, with the HTTP method Cloud Hypervisor routes each one under. */
public enum ChEndpoint {
  VMM_PING("vmm.ping", HttpMethod.GET),
  VMM_SHUTDOWN("vmm.shutdown", HttpMethod.PUT),
  VM_CREATE("vm.create", HttpMethod.PUT),
  VM_INFO("vm.info", HttpMethod.GET),
  VM_BOOT("vm.boot", HttpMethod.PUT),
  VM_SHUTDOWN("vm.shutdown", HttpMethod.PUT),
  VM_DELETE("vm.delete", HttpMethod.PUT),
  VM_PAUSE("vm.pause", HttpMethod.PUT),
  VM_RESUME("vm.resume", HttpMethod.PUT),
  VM_RESIZE("vm.resize", HttpMethod.PUT),
  VM_ADD_DEVICE("vm.add-device", HttpMethod.PUT),
  VM_ADD_DISK("vm.add-disk", HttpMethod.PUT),
  VM_ADD_NET("vm.add-net", HttpMethod.PUT),
  VM_REMOVE_DEVICE("vm.remove-device", HttpMethod.PUT);

  /** Every endpoint lives under this path. */
  public static final String BASE_PATH = "/api/v1/";

  private final String name;
  private final HttpMethod method;

  ChEndpoint(String name, HttpMethod method) {
    this.name = name;
    this.method = method;
  }

  /** The endpoint name as it appears in the URI, e.g. {@code vm.create}. */
  public String endpointName() {
    return name;
  }

  public HttpMethod method() {
    return method;
  }

  public String path() {
    return BASE_PATH + name;
  }

  /** The endpoint a request path names, or null for a path Capsa does not know. */
  public static ChEndpoint fromPath(String path) {
    for (ChEndpoint e : values()) {
      if (e.path().equals(path)) {
        return e;
      }
    }
    return null;
  }
}
