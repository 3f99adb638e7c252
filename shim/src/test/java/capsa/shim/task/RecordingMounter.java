package capsa.shim.task;

import capsa.shim.rootfs.Mounter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records mounts instead of making them (unit tests run without mount privileges in mind). */
final class RecordingMounter implements Mounter {

    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void mount(String type, String source, Path target, List<String> options) {
        calls.add("mount " + type + " " + target);
    }

    @Override
    public void bind(Path source, Path target, boolean readOnly) {
        calls.add("bind " + source + " " + target);
    }

    @Override
    public void unmountAll(Path target) {
        calls.add("unmount " + target);
    }
}
