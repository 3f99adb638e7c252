package capsa.shim.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * iproute2 inside one network namespace: every call is {@code nsenter --net=<netns> ip|tc ...}, so the namespace
 * may be any bind-mounted path (CNI's {@code /var/run/netns/cni-...}, a container's {@code /proc/<pid>/ns/net}).
 * Failures become {@link NetworkException}s that say which command, in which namespace, and what the tool said.
 */
public final class NetnsTools {

    private final CommandRunner runner;
    private final Path netns;
    private final ObjectMapper mapper;

    /** @throws NetworkException.NoNamespace when {@code netns} does not exist */
    public NetnsTools(CommandRunner runner, Path netns, ObjectMapper mapper) {
        if (!Files.exists(netns)) {
            throw new NetworkException.NoNamespace("network namespace " + netns + " does not exist");
        }
        this.runner = runner;
        this.netns = netns;
        this.mapper = mapper;
    }

    public Path netns() {
        return netns;
    }

    /** {@code ip ARGS}; returns stdout. */
    public String ip(String... args) {
        return run("ip", args);
    }

    /** {@code tc ARGS}; returns stdout. */
    public String tc(String... args) {
        return run("tc", args);
    }

    /** {@code ip -j ARGS} parsed; an empty output (some iproute2 versions print nothing) is an empty array. */
    public JsonNode ipJson(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "-j";
        System.arraycopy(args, 0, all, 1, args.length);
        String out = ip(all);
        if (out.isBlank()) {
            return mapper.createArrayNode();
        }
        try {
            return mapper.readTree(out);
        } catch (IOException e) {
            throw new NetworkException("cannot parse `ip " + String.join(" ", all) + "` output in " + netns + ": "
                    + e.getMessage(), e);
        }
    }

    private String run(String tool, String... args) {
        List<String> argv = new ArrayList<>(List.of("nsenter", "--net=" + netns, tool));
        argv.addAll(List.of(args));
        try {
            return runner.run(argv);
        } catch (CommandRunner.CommandFailedException e) {
            if (!Files.exists(netns)) {
                throw new NetworkException.NoNamespace("network namespace " + netns + " is gone (" + tool + " "
                        + String.join(" ", args) + ")");
            }
            throw new NetworkException(tool + " " + String.join(" ", args) + " in " + netns + " failed: "
                    + e.stderr().strip(), e);
        }
    }
}
