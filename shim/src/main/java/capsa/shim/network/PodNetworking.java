package capsa.shim.network;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Makes the {@link SandboxNetwork} of a new sandbox under the configured model. */
public final class PodNetworking {

    private final InternetworkingModel model;
    private final CommandRunner runner;
    private final ObjectMapper mapper;

    public PodNetworking(InternetworkingModel model, CommandRunner runner, ObjectMapper mapper) {
        this.model = model;
        this.runner = runner;
        this.mapper = mapper;
    }

    /** The real tools, 20 s per command. */
    public static PodNetworking of(InternetworkingModel model, ObjectMapper mapper) {
        return new PodNetworking(model, new ProcessCommandRunner(Duration.ofSeconds(20)), mapper);
    }

    public InternetworkingModel model() {
        return model;
    }

    /**
     * @param netns the pod's network namespace from the spec; empty = no pod network (the VM gets no NIC)
     * @throws NetworkException when the namespace is missing or the set-up fails (nothing is left behind then)
     */
    public SandboxNetwork attach(Optional<Path> netns) {
        if (netns.isEmpty()) {
            return SandboxNetwork.none();
        }
        return SandboxNetwork.attach(new NetnsTools(runner, netns.get(), mapper), new NetnsScanner(), model);
    }
}
