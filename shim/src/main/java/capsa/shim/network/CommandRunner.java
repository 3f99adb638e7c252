package capsa.shim.network;

import java.util.List;

/** Runs one external command to completion. The seam that lets tests inject failures between steps. */
@FunctionalInterface
public interface CommandRunner {

    /**
     * @return the command's standard output
     * @throws CommandFailedException when it exits non-zero or cannot be run
     */
    String run(List<String> argv);

    /** A command exited non-zero; {@link #stderr()} is what it said. */
    final class CommandFailedException extends RuntimeException {
        private final int exitCode;
        private final String stderr;

        public CommandFailedException(List<String> argv, int exitCode, String stderr) {
            super("`" + String.join(" ", argv) + "` exited " + exitCode + ": " + stderr.strip());
            this.exitCode = exitCode;
            this.stderr = stderr;
        }

        public CommandFailedException(List<String> argv, Throwable cause) {
            super("`" + String.join(" ", argv) + "` could not run: " + cause.getMessage(), cause);
            this.exitCode = -1;
            this.stderr = String.valueOf(cause.getMessage());
        }

        public int exitCode() {
            return exitCode;
        }

        public String stderr() {
            return stderr;
        }
    }
}
