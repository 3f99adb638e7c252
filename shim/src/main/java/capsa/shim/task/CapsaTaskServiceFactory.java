package capsa.shim.task;

import capsa.hypervisor.qemu.HostFacts;
import capsa.hypervisor.qemu.QemuConfig;
import capsa.hypervisor.qemu.QemuHypervisor;
import capsa.hypervisor.spec.DataSize;
import capsa.shim.daemon.TaskServiceContext;
import capsa.shim.daemon.TaskServiceFactory;
import capsa.shim.network.InternetworkingModel;
import capsa.shim.network.PodNetworking;
import capsa.shim.rootfs.LinuxMounter;
import capsa.shim.sandbox.GuestImage;
import capsa.shim.sandbox.QemuSandboxLauncher;
import capsa.shim.sandbox.SandboxLauncher;
import capsa.shim.sandbox.SandboxVm;
import capsa.shim.sandbox.TaskException;
import capsa.shim.spec.OciSpecReader;
import capsa.proto.oci.Spec;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.BindableService;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Wires the real Task service: QEMU (microvm, TCG when there is no KVM), the guest image from its manifest, one
 * sandbox under {@code /run/capsa/sandboxes/<group id>/}, mount(2) for the rootfs.
 */
public final class CapsaTaskServiceFactory implements TaskServiceFactory {

    /** Per-sandbox directories (share, VM sockets, logs). */
    public static final Path RUN_ROOT = Path.of("/run/capsa/sandboxes");

    private final Map<String, String> env;

    public CapsaTaskServiceFactory(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public BindableService create(TaskServiceContext context) {
        ObjectMapper mapper = new ObjectMapper();
        Path runRoot = Optional.ofNullable(env.get("CAPSA_RUN_ROOT")).map(Path::of).orElse(RUN_ROOT);
        String sid = context.spec().groupId();
        // Built per boot: the guest image is looked up (and may be missing) only when a sandbox starts.
        java.util.function.Supplier<QemuSandboxLauncher> qemuLauncher = () -> {
            GuestImage image = guestImage();
            QemuConfig qemu = QemuConfig.defaults();
            QemuHypervisor hypervisor = new QemuHypervisor(qemu, context.transport().eventLoopGroup(),
                    HostFacts.probe(qemu.binary()), mapper, Optional.empty());
            var settings = new QemuSandboxLauncher.Settings(image, 1, DataSize.mebibytes(512),
                    agentTimeout(env), Duration.ofSeconds(60));
            return new QemuSandboxLauncher(hypervisor, settings, runRoot, context.blockingExecutor(),
                    PodNetworking.of(networkModel(), mapper));
        };
        SandboxLauncher launcher = new SandboxLauncher() {
            @Override
            public SandboxVm launch(String id, Path share) {
                return qemuLauncher.get().launch(id, share);
            }

            @Override
            public SandboxVm launch(String id, Path share, Spec sandboxSpec, Optional<Path> netns) {
                return qemuLauncher.get().launch(id, share, sandboxSpec, netns);
            }
        };
        SandboxHost host = new SandboxHost(sid, runRoot.resolve(sid).resolve("shared"), new LinuxMounter(),
                launcher, context.events(), context.blockingExecutor(), Clock.systemUTC());
        // SIGTERM or any other way out: never leave a VM or a mount behind.
        context.shutdown().registerCallback("stop sandbox " + sid, () -> host.stopIfEmpty(true).join());
        return new TaskService(host, new TaskRequests(new OciSpecReader(mapper)), context.shutdown());
    }

    /** {@code CAPSA_INTERNETWORKING_MODEL} until the configuration file carries {@code internetworking_model}. */
    private InternetworkingModel networkModel() {
        return InternetworkingModel.parse(env.getOrDefault("CAPSA_INTERNETWORKING_MODEL", "tcfilter"));
    }

    /** Environment variable: seconds the VM boot + agent start may take before Create fails (tests shorten it). */
    public static final String AGENT_TIMEOUT_ENV = "CAPSA_AGENT_TIMEOUT_SECONDS";
    static final Duration DEFAULT_AGENT_TIMEOUT = Duration.ofSeconds(180);

    /** {@value #AGENT_TIMEOUT_ENV} when set to a positive number, else 180 s (TCG on a loaded host is slow). */
    static Duration agentTimeout(Map<String, String> env) {
        String value = env.get(AGENT_TIMEOUT_ENV);
        if (value == null || value.isBlank()) {
            return DEFAULT_AGENT_TIMEOUT;
        }
        try {
            long seconds = Long.parseLong(value.trim());
            if (seconds > 0) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // fall through: a typo must not turn into an endless or zero wait
        }
        throw new TaskException.InvalidArgument(AGENT_TIMEOUT_ENV + " must be a positive number of seconds, not "
                + value, null);
    }

    private GuestImage guestImage() {
        Path manifest = GuestImage.locate(env).orElseThrow(() -> new TaskException.Unavailable(
                "no guest image: set " + GuestImage.MANIFEST_ENV + " or build build/guest-agent", null));
        try {
            return GuestImage.load(manifest);
        } catch (IOException e) {
            throw new TaskException.Unavailable("cannot read guest manifest " + manifest + ": " + e.getMessage(), e);
        }
    }
}
