package capsa.shim.network;

/**
 * A route of the pod namespace, as the agent replays it.
 *
 * @param dest CIDR, or "" for the default route
 * @param gateway "" when directly connected
 * @param scope rtnetlink scope number (0 universe, 253 link, 254 host)
 * @param flags rtnetlink next-hop flags (4 = onlink)
 */
public record PodRoute(String dest, String gateway, String device, String source, int scope, boolean v6,
        int flags) {}
