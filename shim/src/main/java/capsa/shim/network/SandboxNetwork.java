package capsa.shim.network;

import capsa.hypervisor.spec.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pod network of one sandbox as the VM sees it: the scanned {@link PodNetwork} plus one {@link TcMirror} per
 * interface (none under {@link InternetworkingModel#NONE} or without a namespace). Closing removes every tap,
 * qdisc and filter it made; what CNI put in the namespace stays.
 */
public final class SandboxNetwork implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SandboxNetwork.class);

    private final Optional<Path> netns;
    private final PodNetwork network;
    private final List<TcMirror> mirrors;

    private SandboxNetwork(Optional<Path> netns, PodNetwork network, List<TcMirror> mirrors) {
        this.netns = netns;
        this.network = network;
        this.mirrors = List.copyOf(mirrors);
    }

    /** No pod network: the VM gets no NIC. */
    public static SandboxNetwork none() {
        return new SandboxNetwork(Optional.empty(), PodNetwork.empty(), List.of());
    }

    /**
     * Scans {@code ns} and mirrors each interface to a new tap.
     *
     * @throws NetworkException when the namespace is missing or a step fails; nothing created is left then
     */
    public static SandboxNetwork attach(NetnsTools ns, NetnsScanner scanner, InternetworkingModel model) {
        if (model == InternetworkingModel.NONE) {
            return new SandboxNetwork(Optional.of(ns.netns()), PodNetwork.empty(), List.of());
        }
        PodNetwork scanned = scanner.scan(ns);
        List<TcMirror> made = new ArrayList<>();
        try {
            for (PodInterface i : scanned.interfaces()) {
                made.add(TcMirror.create(ns, i, TcMirror.tapName(made.size())));
            }
        } catch (NetworkException e) {
            made.forEach(TcMirror::close);
            throw e;
        }
        log.info("pod network {}: {}", ns.netns(), describe(made));
        return new SandboxNetwork(Optional.of(ns.netns()), scanned, made);
    }

    private static String describe(List<TcMirror> mirrors) {
        List<String> parts = new ArrayList<>();
        mirrors.forEach(m -> parts.add(m.iface().name() + " " + m.iface().addresses() + " mtu " + m.iface().mtu()
                + " <-> " + m.tap()));
        return parts.isEmpty() ? "no interfaces" : String.join(", ", parts);
    }

    /** The namespace the VMM must run in to open the taps; empty when there are no NICs. */
    public Optional<Path> vmmNamespace() {
        return mirrors.isEmpty() ? Optional.empty() : netns;
    }

    /** One virtio-net NIC per tap, MAC = the CNI interface's. */
    public List<Device.Nic> nics() {
        List<Device.Nic> out = new ArrayList<>();
        for (int i = 0; i < mirrors.size(); i++) {
            out.add(new Device.Nic("nic" + i, mirrors.get(i).tap(), mirrors.get(i).iface().mac()));
        }
        return out;
    }

    /** What the guest is told (only the mirrored interfaces, their routes and neighbours). */
    public PodNetwork guestNetwork() {
        return mirrors.isEmpty() ? PodNetwork.empty() : network;
    }

    public List<String> taps() {
        return mirrors.stream().map(TcMirror::tap).toList();
    }

    @Override
    public void close() {
        mirrors.forEach(TcMirror::close);
    }
}
