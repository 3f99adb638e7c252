package capsa.agent.container;

import capsa.agent.AgentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Containers by id. An id is reserved for the whole of a create, so two concurrent creates of one id cannot both
 * run runc.
 */
public final class ContainerRegistry {
  private static final Optional<Container> RESERVED = Optional.empty();
  private final ConcurrentHashMap<String, Optional<Container>> containers = new ConcurrentHashMap<>();

  public void reserve(String id) {
    if (id.isEmpty()) {
      throw new AgentException.InvalidArgument("container id is empty");
    }
    if (containers.putIfAbsent(id, RESERVED) != null) {
      throw new AgentException.AlreadyExists("container " + id + " already exists");
    }
  }

  public void register(Container c) {
    containers.put(c.id(), Optional.of(c));
  }

  public void release(String id) {
    containers.remove(id);
  }

  public Container get(String id) {
    Optional<Container> c = containers.get(id);
    if (c == null || c.isEmpty()) {
      throw new AgentException.NotFound("container " + id + " not found");
    }
    return c.get();
  }

  public List<Container> all() {
    List<Container> list = new ArrayList<>();
    containers.values().forEach(c -> c.ifPresent(list::add));
    return list;
  }
}
