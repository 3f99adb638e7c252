package capsa.agent.storage;

import capsa.agent.AgentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code blk}: a virtio-blk disk found by its guest PCI path (the Storage source), mounted with its fstype. */
public final class BlockHandler implements StorageHandler {
  private final Mounter mounter;
  private final PciPathResolver resolver;

  public BlockHandler(Mounter mounter, PciPathResolver resolver) {
    this.mounter = mounter;
    this.resolver = resolver;
  }

  @Override
  public String driver() {
    return "blk";
  }

  @Override
  public MountedStorage mount(StorageRequest r) throws IOException {
    if (r.mountPoint().isEmpty() || r.fstype().isEmpty()) {
      throw new AgentException.InvalidArgument("blk storage needs a mount point and an fstype");
    }
    Path device = r.source().startsWith("/") ? Path.of(r.source()) : resolver.blockDevice(r.source());
    Path target = Files.createDirectories(Path.of(r.mountPoint()));
    MountOptions mo = MountOptions.parse(r.options());
    mounter.mount(device.toString(), target, r.fstype(), mo.flags(), mo.data());
    return new MountedStorage(driver(), target, true);
  }
}
