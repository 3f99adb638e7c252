package capsa.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs a short command and returns its first output line; empty if it is missing, fails or hangs. */
@FunctionalInterface
public interface CommandRunner {

    Optional<String> firstLine(List<String> command);

    /** The real one: 10 s per command, stderr merged. */
    static CommandRunner system() {
        return command -> {
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                byte[] out;
                try (var in = p.getInputStream()) {
                    out = in.readNBytes(64 * 1024);
                }
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return Optional.empty();
                }
                if (p.exitValue() != 0) {
                    return Optional.empty();
                }
                return new String(out, StandardCharsets.UTF_8).lines().findFirst().map(String::trim);
            } catch (IOException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        };
    }
}
