package capsa.shim.network;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One CNI interface joined to one tap in the same namespace: the tap gets the interface's MTU, both get an
 * {@code ingress} qdisc, and a u32 match-all filter on each redirects every frame to the other's egress
 * ({@code mirred egress redirect}). The interface keeps its addresses; the guest NIC takes its MAC.
 *
 * <p>{@link #create} undoes its own steps when one fails; {@link #close} removes the qdiscs (their filters go with
 * them) and the tap, tolerating an interface that is already gone.
 */
public final class TcMirror implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TcMirror.class);
    static final String TAP_PREFIX = "tap";
    static final String TAP_SUFFIX = "_capsa";

    private final NetnsTools ns;
    private final PodInterface iface;
    private final String tap;
    private final Deque<Runnable> undo;

    private TcMirror(NetnsTools ns, PodInterface iface, String tap, Deque<Runnable> undo) {
        this.ns = ns;
        this.iface = iface;
        this.tap = tap;
        this.undo = undo;
    }

    /** The tap name of the {@code index}-th interface: {@code tap0_capsa} (at most 15 characters). */
    public static String tapName(int index) {
        return TAP_PREFIX + index + TAP_SUFFIX;
    }

    /** @throws NetworkException naming the failed step; nothing of this mirror is left then */
    public static TcMirror create(NetnsTools ns, PodInterface iface, String tap) {
        Deque<Runnable> undo = new ArrayDeque<>();
        String dev = iface.name();
        try {
            ns.ip("tuntap", "add", "dev", tap, "mode", "tap");
            undo.push(() -> ns.ip("link", "del", "dev", tap));
            try {
                ns.ip("link", "set", "dev", tap, "mtu", Integer.toString(iface.mtu()));
            } catch (NetworkException e) {
                throw new NetworkException("tap " + tap + " refused MTU " + iface.mtu() + " of " + dev + ": "
                        + e.getMessage(), e);
            }
            ns.ip("link", "set", "dev", tap, "up");
            ns.tc("qdisc", "add", "dev", dev, "ingress");
            undo.push(() -> ns.tc("qdisc", "del", "dev", dev, "ingress"));
            ns.tc("qdisc", "add", "dev", tap, "ingress");
            redirect(ns, dev, tap);
            redirect(ns, tap, dev);
            return new TcMirror(ns, iface, tap, undo);
        } catch (NetworkException e) {
            runAll(undo, e);
            throw e;
        }
    }

    private static void redirect(NetnsTools ns, String from, String to) {
        ns.tc("filter", "add", "dev", from, "parent", "ffff:", "protocol", "all", "u32", "match", "u8", "0", "0",
                "action", "mirred", "egress", "redirect", "dev", to);
    }

    /** Runs every undo step, newest first; failures are logged or attached to {@code cause}, never thrown. */
    private static void runAll(Deque<Runnable> undo, Throwable cause) {
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (RuntimeException x) {
                if (cause != null) {
                    cause.addSuppressed(x);
                } else {
                    log.debug("network teardown step failed: {}", x.getMessage());
                }
            }
        }
    }

    public PodInterface iface() {
        return iface;
    }

    public String tap() {
        return tap;
    }

    /** Removes the filters, qdiscs and the tap. Idempotent; a vanished interface or namespace is fine. */
    @Override
    public void close() {
        if (!undo.isEmpty()) {
            log.debug("removing tap {} and the tc mirror of {} in {}", tap, iface.name(), ns.netns());
        }
        runAll(undo, null);
    }
}
