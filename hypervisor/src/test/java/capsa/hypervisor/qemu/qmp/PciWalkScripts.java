package capsa.hypervisor.qemu.qmp;

/** Opens {@link ScriptedQmpPeer} to tests in sibling packages. */
public final class PciWalkScripts {
  private PciWalkScripts() {}

  /** A peer playing a scripted exchange; see {@link ScriptedQmpPeer}. */
  public static final class Peer implements AutoCloseable {
    private final ScriptedQmpPeer peer;

    public Peer(java.nio.file.Path socket) {
      peer = new ScriptedQmpPeer(socket);
    }

    public Peer expect(String json, String... replies) {
      peer.expect(json, replies);
      return this;
    }

    public Peer start() throws java.io.IOException {
      peer.start();
      return this;
    }

    public void awaitDone() throws Exception {
      peer.awaitDone();
    }

    @Override
    public void close() throws java.io.IOException {
      peer.close();
    }
  }
}
