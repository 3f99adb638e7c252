package capsa.e2e.cri;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fields of the JSON document containerd's CRI puts under {@code info["info"]} of a verbose ContainerStatus or
 * PodSandboxStatus (compact JSON, top-level keys such as {@code "pid"} and {@code "sandboxID"}). We read the two
 * top-level scalars we need rather than pull in a JSON library for the test tree.
 */
final class VerboseInfo {

    private static final Pattern PID = Pattern.compile("\"pid\":\\s*(\\d+)");
    private static final Pattern SANDBOX_ID = Pattern.compile("\"sandboxID\":\\s*\"([0-9a-f]+)\"");

    private VerboseInfo() {}

    static long pid(String json) {
        return Long.parseLong(first(PID, json, "pid"));
    }

    static String sandboxId(String json) {
        return first(SANDBOX_ID, json, "sandboxID");
    }

    private static String first(Pattern pattern, String json, String what) {
        if (json == null) {
            throw new IllegalStateException("no verbose info (was verbose set?)");
        }
        Matcher matcher = pattern.matcher(json);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + what + " in verbose info: " + json);
        }
        return matcher.group(1);
    }
}
