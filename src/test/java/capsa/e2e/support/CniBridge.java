package capsa.e2e.support;

import java.util.regex.Pattern;

/**
 * A CNI {@code bridge} + {@code host-local} + {@code loopback} network list (plugins from /usr/lib/cni), for pods
 * with their own network namespace. The bridge is created in the host's network namespace by the plugin on the first
 * pod, so the name and subnet must not collide with anything else on the machine; deleting the bridge afterwards is
 * the test's job ({@code ip link delete <bridge>}).
 *
 * @param bridgeName at most 15 characters (a Linux interface name)
 * @param subnet an IPv4 CIDR reserved for this test, e.g. {@code 10.88.7.0/24}
 */
public record CniBridge(String bridgeName, String subnet) {

    private static final Pattern IFNAME = Pattern.compile("[a-zA-Z0-9_-]{1,15}");
    private static final Pattern CIDR = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}");

    public CniBridge {
        if (!IFNAME.matcher(bridgeName).matches()) {
            throw new IllegalArgumentException("not an interface name: " + bridgeName);
        }
        if (!CIDR.matcher(subnet).matches()) {
            throw new IllegalArgumentException("not an IPv4 CIDR: " + subnet);
        }
    }

    /** The conflist JSON. No ipMasq: pods talk to the host and each other only. */
    public String conflist() {
        return """
                {
                  "cniVersion": "1.0.0",
                  "name": "%1$s",
                  "plugins": [
                    {"type": "bridge", "bridge": "%1$s", "isGateway": true, "ipMasq": false,
                     "ipam": {"type": "host-local", "ranges": [[{"subnet": "%2$s"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
                    {"type": "loopback"}
                  ]
                }
                """.formatted(bridgeName, subnet);
    }

    /** The file name in the conf dir. */
    public String fileName() {
        return "10-" + bridgeName + ".conflist";
    }
}
