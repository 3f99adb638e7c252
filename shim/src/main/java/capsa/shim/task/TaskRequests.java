package capsa.shim.task;

import capsa.proto.containerd.task.v2.CreateTaskRequest;
import capsa.proto.containerd.task.v2.ExecProcessRequest;
import capsa.proto.containerd.types.Mount;
import capsa.proto.oci.LinuxResources;
import capsa.proto.oci.Spec;
import capsa.proto.util.AnyCodec;
import capsa.proto.util.UnexpectedTypeUrlException;
import capsa.shim.io.StdioPaths;
import capsa.shim.rootfs.RootfsMount;
import capsa.shim.sandbox.CreateTask;
import capsa.shim.sandbox.ExecTask;
import capsa.shim.sandbox.TaskException;
import capsa.shim.spec.OciSpecReader;
import com.google.protobuf.Any;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Protobuf requests → records, at the edge. */
final class TaskRequests {

    static final String PROCESS_URL = "types.containerd.io/opencontainers/runtime-spec/1/Process";
    static final String RESOURCES_URL = "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources";
    /**
     * Runtime options containerd may pass for a non-runc runtime: CRI's {@code runtimeoptions.v1.Options} (the
     * handler's options table) and runc's, when a handler copied runc's settings. Neither changes what Capsa does;
     * any other type is a configuration mistake that must not pass silently.
     */
    static final Set<String> KNOWN_OPTIONS = Set.of("runtimeoptions.v1.Options", "containerd.runc.v1.Options");

    private final OciSpecReader reader;

    TaskRequests(OciSpecReader reader) {
        this.reader = reader;
    }

    CreateTask create(CreateTaskRequest r) {
        if (r.getId().isEmpty() || r.getBundle().isEmpty()) {
            throw new TaskException.InvalidArgument("Create needs an id and a bundle", null);
        }
        if (!r.getCheckpoint().isEmpty()) {
            throw new UnsupportedOperationException("restore from a checkpoint is not supported");
        }
        if (r.hasOptions() && !r.getOptions().getTypeUrl().isEmpty()) {
            String type = r.getOptions().getTypeUrl().replaceFirst("^type\\.googleapis\\.com/", "");
            if (!KNOWN_OPTIONS.contains(type)) {
                throw new TaskException.InvalidArgument("unknown runtime options type " + r.getOptions().getTypeUrl()
                        + " (capsa accepts " + String.join(", ", KNOWN_OPTIONS.stream().sorted().toList()) + ")",
                        null);
            }
        }
        Path bundle = Path.of(r.getBundle());
        Spec spec = reader.readSpec(bundle.resolve("config.json"));
        if (!spec.hasProcess() || spec.getProcess().getArgsCount() == 0) {
            // runc in the guest would refuse it too, but only after a VM booted for nothing.
            throw new TaskException.InvalidArgument("config.json of " + r.getId()
                    + " has no process.args (a non-empty array of strings): nothing to run", null);
        }
        List<RootfsMount> rootfs = r.getRootfsList().stream().map(TaskRequests::mount).toList();
        return new CreateTask(r.getId(), bundle, rootfs,
                new StdioPaths(r.getStdin(), r.getStdout(), r.getStderr(), r.getTerminal()), spec);
    }

    private static RootfsMount mount(Mount m) {
        return new RootfsMount(m.getType(), m.getSource(), m.getOptionsList());
    }

    ExecTask exec(ExecProcessRequest r) {
        if (r.getExecId().isEmpty()) {
            throw new TaskException.InvalidArgument("Exec needs an exec id", null);
        }
        return new ExecTask(r.getId(), r.getExecId(),
                new StdioPaths(r.getStdin(), r.getStdout(), r.getStderr(), r.getTerminal()),
                reader.process(json(r.getSpec(), PROCESS_URL)));
    }

    LinuxResources resources(Any any) {
        return reader.resources(json(any, RESOURCES_URL));
    }

    private static String json(Any any, String url) {
        try {
            return AnyCodec.unpackJson(any, url);
        } catch (UnexpectedTypeUrlException e) {
            throw new TaskException.InvalidArgument(e.getMessage(), e);
        }
    }
}
