package capsa.shim.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** What one run of the shim binary did: exit status and the raw bytes it wrote. */
public record ShimRun(List<String> command, int exitCode, byte[] stdout, byte[] stderr) {

    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    public String describe() {
        return String.join(" ", command) + " exited " + exitCode + "\n--- stdout ---\n" + stdoutText()
                + "\n--- stderr ---\n" + stderrText();
    }
}
