package capsa.agent.storage;

import capsa.agent.AgentException;
import capsa.agent.sys.ModuleLoadGate;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Dispatches storages to their handler by driver; all-or-nothing per call, undone in reverse order. */
public final class StorageService {
  private static final Logger log = LoggerFactory.getLogger(StorageService.class);
  private final Map<String, StorageHandler> handlers = new LinkedHashMap<>();
  private final Mounter mounter;
  private final ModuleLoadGate modules;

  public StorageService(Mounter mounter, List<StorageHandler> handlers) {
    this(mounter, handlers, ModuleLoadGate.none());
  }

  /** @param modules waited for before the first storage is set up (9p, virtio-blk, overlay may still be loading) */
  public StorageService(Mounter mounter, List<StorageHandler> handlers, ModuleLoadGate modules) {
    this.mounter = mounter;
    this.modules = modules;
    handlers.forEach(h -> this.handlers.put(h.driver(), h));
  }

  public List<String> drivers() {
    return List.copyOf(handlers.keySet());
  }

  /** Sets up every storage or none: a failure undoes the ones already done. */
  public List<MountedStorage> mountAll(List<StorageRequest> requests) {
    for (StorageRequest r : requests) {
      if (!handlers.containsKey(r.driver())) {
        throw new AgentException.InvalidArgument("unknown storage driver \"" + r.driver() + "\"");
      }
    }
    if (!requests.isEmpty()) {
      modules.await();
    }
    List<MountedStorage> done = new ArrayList<>();
    for (StorageRequest r : requests) {
      try {
        done.add(handlers.get(r.driver()).mount(r));
      } catch (IOException | RuntimeException e) {
        unmountAll(done);
        if (e instanceof AgentException ae) {
          throw ae;
        }
        throw new AgentException.Internal(
            "cannot set up " + r.driver() + " storage " + r.source() + " at " + r.mountPoint(), e);
      }
    }
    return done;
  }

  /** Undoes storages in reverse order; failures are logged, never thrown (teardown must go on). */
  public void unmountAll(List<MountedStorage> storages) {
    List<MountedStorage> reversed = new ArrayList<>(storages);
    Collections.reverse(reversed);
    for (MountedStorage s : reversed) {
      if (!s.mounted()) {
        continue;
      }
      try {
        mounter.unmount(s.mountPoint());
      } catch (IOException e) {
        log.warn("Unmounting {} failed: {}", s.mountPoint(), e.getMessage());
      }
    }
  }
}
