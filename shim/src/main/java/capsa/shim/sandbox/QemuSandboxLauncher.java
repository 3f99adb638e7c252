package capsa.shim.sandbox;

import capsa.config.EffectiveConfig;
import capsa.hypervisor.Hypervisor;
import capsa.hypervisor.Vm;
import capsa.hypervisor.qemu.QemuPaths;
import capsa.hypervisor.pci.PassthroughPlan;
import capsa.hypervisor.spec.MachineType;
import capsa.hypervisor.spec.VmSpec;
import capsa.shim.agent.GuestAgent;
import capsa.shim.agent.TtrpcGuestAgent;
import capsa.shim.devices.ContainerDevices;
import capsa.shim.devices.DeviceSettings;
import capsa.shim.devices.VfioDevices;
import capsa.shim.devices.VfioVm;
import capsa.shim.network.NetworkException;
import capsa.shim.network.PodNetworking;
import capsa.shim.network.SandboxNetwork;
import capsa.shim.rootfs.RunDirs;
import capsa.ttrpc.client.TtrpcClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.Channel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Boots a sandbox VM with a {@link Hypervisor}, shaped by the pod's configuration ({@link SandboxVmSpecs}), and
 * connects to its agent. Per sandbox it uses {@code <runRoot>/<sid>/}: {@code vm/} (QEMU's sockets and pidfile),
 * {@code console.log}, {@code vmm.log}, {@code sandbox.json}; the directory goes with the VM.
 */
public final class QemuSandboxLauncher implements SandboxLauncher {

    private static final Logger log = LoggerFactory.getLogger(QemuSandboxLauncher.class);
    private static final ObjectMapper STATE_JSON = new ObjectMapper();

    /**
     * @param image the guest manifest's kernel and initramfs (the configuration may name others)
     * @param config the pod's effective configuration (after its annotations)
     */
    public record Settings(GuestImage image, EffectiveConfig config) {

        /** How long boot + agent start may take ({@code [agent] dial_timeout}; TCG on a loaded host: generous). */
        public Duration agentTimeout() {
            return config.agent().dialTimeout();
        }

        /** Per agent request ({@code [runtime] create_container_timeout}). */
        public Duration controlTimeout() {
            return config.runtime().createContainerTimeout();
        }
    }

    private final Hypervisor hypervisor;
    private final Settings settings;
    private final Path runRoot;
    private final Executor callbacks;
    private final DeviceSettings deviceSettings;
    private final PodNetworking networking;

    public QemuSandboxLauncher(Hypervisor hypervisor, Settings settings, Path runRoot, Executor callbacks,
            PodNetworking networking) {
        this(hypervisor, settings, runRoot, callbacks, DeviceSettings.disabled(), networking);
    }

    /** With VFIO passthrough as {@code deviceSettings} allow (enabled: every sandbox VM is q35 with root ports). */
    public QemuSandboxLauncher(Hypervisor hypervisor, Settings settings, Path runRoot, Executor callbacks,
            DeviceSettings deviceSettings, PodNetworking networking) {
        this.hypervisor = hypervisor;
        this.settings = settings;
        this.runRoot = runRoot;
        this.callbacks = callbacks;
        this.deviceSettings = deviceSettings;
        this.networking = networking;
    }

    /** The per-sandbox directory (the share lives in {@code shared/} below it). */
    public Path sandboxDir(String sandboxId) {
        return runRoot.resolve(sandboxId);
    }

    @Override
    public SandboxVm launch(String sandboxId, Path shareDir) {
        return launch(sandboxId, shareDir, capsa.proto.oci.Spec.getDefaultInstance(), Optional.empty());
    }

    @Override
    public SandboxVm launch(String sandboxId, Path shareDir, capsa.proto.oci.Spec sandboxSpec) {
        return launch(sandboxId, shareDir, sandboxSpec, Optional.empty());
    }

    @Override
    public SandboxVm launch(String sandboxId, Path shareDir, capsa.proto.oci.Spec sandboxSpec,
            Optional<Path> netns) {
        SandboxNetwork net;
        try {
            net = networking.attach(netns);
        } catch (NetworkException e) {
            throw new TaskException.Unavailable("pod network of " + sandboxId + ": " + e.getMessage(), e);
        }
        try {
            return launch(sandboxId, shareDir, sandboxSpec, net);
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    private SandboxVm launch(String sandboxId, Path shareDir, capsa.proto.oci.Spec sandboxSpec,
            SandboxNetwork net) {
        Path dir = sandboxDir(sandboxId);
        VmSpec spec;
        VfioDevices devices = new VfioDevices(deviceSettings);
        // Fails before anything starts when the pod asks for devices that are not there or not allowed.
        PassthroughPlan plan = devices.coldPlan(sandboxSpec);
        try {
            Files.createDirectories(dir);
            VmSpec.Builder b = SandboxVmSpecs.builder(settings.config(), settings.image(), shareDir)
                    .id(vmId(sandboxId))
                    .consoleLog(dir.resolve("console.log"))
                    .vmmLog(dir.resolve("vmm.log"))
                    .runtimeDir(dir.resolve("vm"));
            net.nics().forEach(b::nic);
            net.vmmNamespace().ifPresent(b::networkNamespace);
            if (deviceSettings.enabled()) {
                // Passthrough needs PCIe: q35 with a root port per cold-plugged function plus spares for hot-plug.
                plan.applyTo(b.machine(MachineType.Q35));
            }
            spec = b.build();
        } catch (IOException | RuntimeException e) {
            RunDirs.remove(dir.resolve("vm"));
            throw new TaskException.Unavailable("cannot prepare the VM of " + sandboxId + ": " + e.getMessage(), e);
        }
        Vm vm;
        try {
            vm = hypervisor.boot(spec);
        } catch (RuntimeException e) {
            log.warn("sandbox {}: VM did not start; VMM log tail:\n{}", sandboxId, tail(spec.vmmLog()));
            deleteLogs(dir);
            throw new TaskException.Unavailable("VM of " + sandboxId + " did not start: " + e.getMessage(), e);
        }
        int pid = readPid(spec.runtimeDir());
        try {
            Channel ch = vm.connectAgent(settings.agentTimeout()).join();
            TtrpcClient client = TtrpcClient.over(ch, callbacks);
            log.info("sandbox {}: VM pid {} agent ready ({})", sandboxId, pid, vm.timeline().describe());
            devices.booted(VfioVm.of(vm));
            TtrpcGuestAgent agent = new TtrpcGuestAgent(client, settings.controlTimeout());
            try {
                GuestNetworkSetup.apply(agent, net.guestNetwork());
            } catch (TaskException.Unavailable e) {
                log.warn("sandbox {}: {}; console tail:\n{}", sandboxId, e.getMessage(), tail(spec.consoleLog()));
                agent.close();
                vm.close();
                deleteLogs(dir);
                throw e;
            }
            writeState(dir, new SandboxStateFile(sandboxId, pid, hypervisor.name(), spec.vcpus(),
                    (int) spec.memory().toMebibytes(), Instant.now(), settings.config().origin().describe()));
            return new QemuSandboxVm(vm, agent, pid, settings.image().kernelRelease(), dir, devices, net);
        } catch (TaskException.Unavailable e) {
            throw e;
        } catch (RuntimeException e) {
            log.warn("sandbox {}: agent unreachable; console tail:\n{}", sandboxId, tail(spec.consoleLog()));
            vm.close();
            deleteLogs(dir);
            throw new TaskException.Unavailable("agent of " + sandboxId + " unreachable: " + e.getMessage(), e);
        }
    }

    /** For {@code capsa ps}; a sandbox runs fine without it. */
    private static void writeState(Path dir, SandboxStateFile state) {
        try {
            state.write(dir, STATE_JSON);
        } catch (IOException e) {
            log.warn("cannot write {} in {}: {}", SandboxStateFile.NAME, dir, e.getMessage());
        }
    }

    /** The logs were copied into the shim log; the share (a sibling) is its owner's to remove. */
    private static void deleteLogs(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve("console.log"));
            Files.deleteIfExists(dir.resolve("vmm.log"));
        } catch (IOException e) {
            log.debug("cannot remove the logs in {}: {}", dir, e.getMessage());
        }
    }

    /** VM ids are at most 64 characters of a safe alphabet; sandbox ids usually are already. */
    static String vmId(String sandboxId) {
        String s = sandboxId.replaceAll("[^A-Za-z0-9_.-]", "_");
        return s.length() > 64 ? s.substring(0, 64) : s;
    }

    private static int readPid(Path runtimeDir) {
        try {
            return Integer.parseInt(Files.readString(new QemuPaths(runtimeDir).pidFile(), StandardCharsets.US_ASCII)
                    .trim());
        } catch (IOException | NumberFormatException e) {
            return (int) ProcessHandle.current().pid();
        }
    }

    static String tail(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.ISO_8859_1);
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(no console log: " + e.getMessage() + ")";
        }
    }

    private static final class QemuSandboxVm implements SandboxVm {
        private final Vm vm;
        private final GuestAgent agent;
        private final int pid;
        private final String kernelRelease;
        private final Path dir;
        private final CompletableFuture<Void> exited;
        private final ContainerDevices devices;
        private final SandboxNetwork net;

        QemuSandboxVm(Vm vm, GuestAgent agent, int pid, String kernelRelease, Path dir, ContainerDevices devices,
                SandboxNetwork net) {
            this.devices = devices;
            this.vm = vm;
            this.agent = agent;
            this.pid = pid;
            this.kernelRelease = kernelRelease;
            this.dir = dir;
            this.net = net;
            this.exited = vm.exit().thenApply(e -> null);
        }

        @Override
        public GuestAgent agent() {
            return agent;
        }

        @Override
        public ContainerDevices devices() {
            return devices;
        }

        @Override
        public int pid() {
            return pid;
        }

        @Override
        public String guestKernelRelease() {
            return kernelRelease;
        }

        @Override
        public CompletableFuture<Void> exited() {
            return exited;
        }

        @Override
        public void stop() {
            try {
                agent.close();
                vm.close();
            } finally {
                // After the VMM let go of the taps: the namespace is left as CNI made it.
                net.close();
            }
        }

        @Override
        public void close() {
            stop();
            log.debug("VM console tail:\n{}", tail(dir.resolve("console.log")));
            RunDirs.remove(dir);
        }
    }
}
