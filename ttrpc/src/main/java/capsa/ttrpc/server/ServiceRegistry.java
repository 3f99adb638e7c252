package capsa.ttrpc.server;

import capsa.ttrpc.TtrpcException;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Immutable map from ttrpc (service, method) names to grpc-java method definitions. */
final class ServiceRegistry {

  private final Map<String, ServerServiceDefinition> services;

  ServiceRegistry(List<ServerServiceDefinition> definitions) {
    Map<String, ServerServiceDefinition> map = new LinkedHashMap<>();
    for (ServerServiceDefinition def : definitions) {
      String name = def.getServiceDescriptor().getName();
      if (map.putIfAbsent(name, def) != null) {
        throw new IllegalArgumentException("service " + name + " registered twice");
      }
    }
    this.services = Map.copyOf(map);
  }

  /** The method for a request, or the typed reason there is none. */
  ServerMethodDefinition<?, ?> lookup(String service, String method) {
    ServerServiceDefinition def = services.get(service);
    if (def == null) {
      throw new TtrpcException.UnknownService(service);
    }
    ServerMethodDefinition<?, ?> m =
        def.getMethod(MethodDescriptor.generateFullMethodName(service, method));
    if (m == null) {
      throw new TtrpcException.UnknownMethod(method);
    }
    return m;
  }

  List<ServerServiceDefinition> services() {
    return List.copyOf(services.values());
  }
}
