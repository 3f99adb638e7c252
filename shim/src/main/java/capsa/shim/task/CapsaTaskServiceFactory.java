package capsa.shim.task;

import capsa.config.AgentChannel;
import capsa.config.ConfigException;
import capsa.config.ConfigLoader;
import capsa.config.EffectiveConfig;
import capsa.config.HypervisorKind;
import capsa.config.RuntimeOptions;
import capsa.config.VfioMode;
import capsa.hypervisor.pci.PassthroughSettings;
import capsa.hypervisor.qemu.HostFacts;
import capsa.hypervisor.qemu.QemuConfig;
import capsa.hypervisor.qemu.QemuHypervisor;
import capsa.shim.daemon.TaskServiceContext;
import capsa.shim.daemon.TaskServiceFactory;
import capsa.shim.devices.DeviceSettings;
import capsa.shim.network.InternetworkingModel;
import capsa.shim.network.PodNetworking;
import capsa.shim.rootfs.LinuxMounter;
import capsa.shim.sandbox.GuestImage;
import capsa.shim.sandbox.QemuSandboxLauncher;
import capsa.shim.sandbox.SandboxLauncher;
import capsa.shim.sandbox.TaskException;
import capsa.shim.spec.OciSpecReader;
import capsa.vsock.VsockConnector;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.BindableService;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the real Task service from the effective configuration (capsa.config: containerd's ConfigPath/config_body,
 * {@code $CAPSA_CONFIG}, {@code /etc/capsa/configuration.toml} or the defaults, with {@code CAPSA_GUEST_MANIFEST} and
 * {@code CAPSA_RUN_ROOT} laid over): QEMU (TCG when there is no KVM), the guest image, one sandbox under
 * {@code <run_root>/<group id>/}, mount(2) for the rootfs. Each pod's annotations may override keys.
 */
public final class CapsaTaskServiceFactory implements TaskServiceFactory {

    /** Per-sandbox directories (share, VM sockets, logs) unless the configuration says otherwise. */
    public static final Path RUN_ROOT = Path.of(capsa.config.ConfigKeys.RUN_ROOT);

    /** Seconds the VM boot + agent start may take (tests shorten it); sets {@code [agent] dial_timeout}. */
    public static final String AGENT_TIMEOUT_ENV = ConfigLoader.AGENT_TIMEOUT_ENV;

    private static final Logger log = LoggerFactory.getLogger(CapsaTaskServiceFactory.class);

    private final Map<String, String> env;
    private final ConfigLoader loader;

    public CapsaTaskServiceFactory(Map<String, String> env) {
        this(env, new ConfigLoader());
    }

    public CapsaTaskServiceFactory(Map<String, String> env, ConfigLoader loader) {
        this.env = env;
        this.loader = loader;
    }

    @Override
    public BindableService create(TaskServiceContext context) {
        ObjectMapper mapper = new ObjectMapper();
        String sid = context.spec().groupId();
        // Read once per shim; a bad file must not kill the daemon before containerd hears why: every sandbox
        // Create then fails with the message instead (ConfiguredLauncher).
        EffectiveConfig node;
        ConfigException broken = null;
        try {
            node = loader.load(RuntimeOptions.from(context.spec().runtimeOptions()), env);
            log.info("configuration from {}", node.origin().describe());
        } catch (ConfigException e) {
            log.error("{}", e.getMessage());
            node = EffectiveConfig.defaults();
            broken = e;
        }
        Path runRoot = node.runtime().runRoot();
        EffectiveConfig base = node;
        ConfigException error = broken;
        SandboxLauncher launcher = new ConfiguredLauncher(() -> {
            if (error != null) {
                throw error;
            }
            return base;
        }, config -> qemuLauncher(config, context, mapper, runRoot));
        SandboxHost host = new SandboxHost(sid, runRoot.resolve(sid).resolve("shared"), new LinuxMounter(),
                launcher, context.events(), context.blockingExecutor(), Clock.systemUTC());
        // SIGTERM or any other way out: never leave a VM or a mount behind.
        context.shutdown().registerCallback("stop sandbox " + sid, () -> host.stopIfEmpty(true).join());
        return new TaskService(host, new TaskRequests(new OciSpecReader(mapper)), context.shutdown());
    }

    private static QemuSandboxLauncher qemuLauncher(EffectiveConfig config, TaskServiceContext context,
            ObjectMapper mapper, Path runRoot) {
        if (config.hypervisorKind() != HypervisorKind.QEMU) {
            throw new TaskException.InvalidArgument("[runtime] hypervisor = \"" + config.hypervisorKind().tomlName()
                    + "\" (" + config.get(capsa.config.Section.RUNTIME, "hypervisor").source().describe()
                    + ") is not wired into the shim yet; use \"qemu\"", null);
        }
        GuestImage image = guestImage(config);
        QemuConfig qemu = QemuConfig.defaults().withBinary(config.hypervisor().path());
        var group = context.transport().eventLoopGroup();
        var vsock = config.agent().channel() == AgentChannel.VSOCK
                ? Optional.of(new VsockConnector(group, context.blockingExecutor()))
                : Optional.<VsockConnector>empty();
        QemuHypervisor hypervisor = new QemuHypervisor(qemu, group, HostFacts.probe(qemu.binary()), mapper,
                vsock.map(c -> c));
        return new QemuSandboxLauncher(hypervisor, new QemuSandboxLauncher.Settings(image, config), runRoot,
                context.blockingExecutor(), deviceSettings(config), PodNetworking.of(networkModel(config), mapper));
    }

    /** {@code [runtime] internetworking_model}: how the pod's CNI interfaces reach the VM. */
    static InternetworkingModel networkModel(EffectiveConfig config) {
        return InternetworkingModel.parse(config.internetworkingModel().tomlName());
    }

    /**
     * VFIO passthrough as the configuration allows: on when {@code cold_plug_vfio} or {@code hot_plug_vfio} names a
     * port, {@code pcie_root_port} spare root ports for hot-plug (at least one), guest-kernel or vfio mode.
     */
    static DeviceSettings deviceSettings(EffectiveConfig config) {
        var hv = config.hypervisor();
        if (!hv.vfioEnabled()) {
            return DeviceSettings.disabled();
        }
        PassthroughSettings defaults = PassthroughSettings.defaults();
        var passthrough = new PassthroughSettings(Math.max(1, hv.pcieRootPorts()), defaults.sparePortReserve(),
                defaults.firmware(), defaults.kernelParams());
        return new DeviceSettings(true, Path.of("/sys"), DeviceSettings.STANDARD_CDI_DIRS, false,
                config.runtime().vfioMode() == VfioMode.GUEST_KERNEL, passthrough);
    }

    private static GuestImage guestImage(EffectiveConfig config) {
        Optional<Path> configured = config.hypervisor().guestManifest();
        Path manifest = GuestImage.locate(configured).orElseThrow(() -> new TaskException.Unavailable(configured
                .map(p -> "guest manifest " + p + " is not readable (guest_manifest, from " + config.get(
                        config.hypervisorSection(), "guest_manifest").source().describe() + ")")
                .orElse("no guest image: set guest_manifest (or " + GuestImage.MANIFEST_ENV
                        + "), or build build/guest-agent"), null));
        try {
            return GuestImage.load(manifest);
        } catch (IOException e) {
            throw new TaskException.Unavailable("cannot read guest manifest " + manifest + ": " + e.getMessage(), e);
        }
    }
}
